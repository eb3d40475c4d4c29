"Indexing beside PyTorch: reading, writing, gather/scatter, masks, index ops; values, gradients and errors."
import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import maxine
from maxine import tensor
from helpers import check_against_torch

seeds = st.integers(0, 2**32 - 1)
nonempty_shapes = hnp.array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=4)


def randn(seed, shape): return np.random.default_rng(seed).standard_normal(shape)
def lib(t): return maxine if isinstance(t, maxine.Tensor) else torch


index_cases = [
    ((5,), 2), ((5,), -1), ((5,), slice(1, 4)), ((5,), slice(None, None, 2)), ((4, 3), (1, 2)),
    ((4, 3), (slice(None), 1)), ((4, 3), (None, 2)), ((4, 3), (Ellipsis, None)), ((4, 3, 2), (1, slice(0, 2), -1)),
    ((5,), [0, 0, 3, 0]), ((4, 3), [3, 3, 1]), ((4, 3), ([0, 0, 2], [1, 1, 2])), ((4, 3), (slice(None), [2, 2, 0])),
    ((4, 3), [[0, 1], [1, 1]]), ((0, 3), slice(None)), ((4, 3), ([], slice(None))), ((4, 3, 2), (Ellipsis, 1)),
    ((4, 3, 2), ([0, 3], slice(None), [1, 0])), ((4, 3), (slice(None, None, -1),) if False else (slice(3, 0, -1),)),
]

@pytest.mark.parametrize('shape,key', index_cases)
def test_indexing(shape, key):
    def to_torch_key(k):
        if isinstance(k, list): return torch.tensor(k, dtype=torch.long)
        if isinstance(k, tuple): return tuple(to_torch_key(i) for i in k)
        return k
    if isinstance(key, tuple) and any(isinstance(k, slice) and (k.step or 1) < 0 for k in key):
        pytest.skip("torch has no negative steps")
    check_against_torch(lambda t: t[key], randn(0, shape), torch_fn=lambda t: t[to_torch_key(key)])


@given(nonempty_shapes, seeds)
def test_boolean_mask_and_integer_tensor(shape, seed):
    mask = np.random.default_rng(seed).random(shape) > 0.5
    check_against_torch(lambda t: t[lib(t).tensor(mask)], randn(seed, shape))
    rows = np.random.default_rng(seed).integers(0, shape[0], 5)
    check_against_torch(lambda t: t[lib(t).tensor(rows)], randn(seed, shape))
    check_against_torch(lambda t: t[lib(t).tensor(0)], randn(seed, shape))


def test_integer_index_repeats_accumulate():
    x = tensor([1., 2., 3.], requires_grad=True)
    x[tensor([0, 0, 2, 0])].sum().backward()
    np.testing.assert_array_equal(x.grad.detach().numpy(), [3., 0., 1.])


setitem_cases = [(0, 5.), ((slice(None), 1), 0.), ((1,), [7., 8., 9.]), ([0, 2], 1.5), ((Ellipsis, 0), -1.)]

@pytest.mark.parametrize('key,value', setitem_cases)
def test_setitem_values_and_gradients(key, value):
    def f(x, v):
        y = x * 1
        y[key] = v if np.ndim(value) else v.sum() * 0 + value + v.mean()
        return y * 2
    v = np.array(value if np.ndim(value) else [value], dtype=float)
    check_against_torch(f, randn(0, (3, 3)), v)


def test_setitem_without_gradients_writes_in_place():
    for L in (maxine, torch):
        x = L.zeros(2, 3)
        before = x
        x[:, 1] = 1.
        x[0] = L.tensor([5., 6., 7.])
        x[x > 6] = -1.
        assert x is before and x.tolist() == [[5., 6., -1.], [0., 1., 0.]]
    t = maxine.zeros(3)
    t[0] = 2.5
    assert t._version == 1 and t.tolist() == [2.5, 0., 0.]
    with pytest.raises(RuntimeError, match='leaf Variable'): maxine.zeros(3, requires_grad=True)[0] = 1.


@given(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4), seeds, st.data())
def test_gather(shape, seed, data):
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    index_shape = tuple(data.draw(st.integers(1, n)) if d != dim % len(shape) else data.draw(st.integers(1, 5))
                        for d, n in enumerate(shape))
    index = np.random.default_rng(seed).integers(0, shape[dim], index_shape)
    check_against_torch(lambda t: t.gather(dim, lib(t).tensor(index)), randn(seed, shape))


def unique_index(rng, shape, index_shape, dim):
    "An index of `index_shape` whose entries along `dim` never repeat within a fiber"
    dim %= len(shape)
    moved = tuple(n for d, n in enumerate(index_shape) if d != dim) + (index_shape[dim],)
    fibers = int(np.prod(moved[:-1]))
    picks = np.array([rng.permutation(shape[dim])[:index_shape[dim]] for _ in range(fibers)]).reshape(moved)
    return np.moveaxis(picks, -1, dim)


@pytest.mark.parametrize('reduce', [None, 'sum', 'mean', 'amax', 'amin'])
@pytest.mark.parametrize('include_self', [True, False])
@given(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4), seeds, st.data())
def test_scatter_family(reduce, include_self, shape, seed, data):
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    index_shape = tuple(data.draw(st.integers(1, n)) for n in shape)
    rng = np.random.default_rng(seed)
    if reduce is None:       # written positions must be unique for the result to be defined
        index = unique_index(rng, shape, index_shape, dim)
        if not include_self: return
        check_against_torch(lambda t, s: t.scatter(dim, lib(t).tensor(index), s), randn(seed, shape), randn(seed + 1, index_shape))
        check_against_torch(lambda t: t.scatter(dim, lib(t).tensor(index), 2.5) if lib(t) is torch else
                            t.scatter(dim, maxine.tensor(index), value=2.5), randn(seed, shape))
        return
    index = rng.integers(0, shape[dim], index_shape)
    if reduce == 'sum' and include_self:
        check_against_torch(lambda t, s: t.scatter_add(dim, lib(t).tensor(index), s), randn(seed, shape), randn(seed + 1, index_shape))
    check_against_torch(lambda t, s: t.scatter_reduce(dim, lib(t).tensor(index), s, reduce, include_self=include_self),
                        randn(seed, shape), randn(seed + 1, index_shape))


@given(nonempty_shapes, seeds, st.data())
def test_index_select_index_add_index_fill(shape, seed, data):
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    index = np.random.default_rng(seed).integers(0, shape[dim], data.draw(st.integers(0, 5)))
    check_against_torch(lambda t: t.index_select(dim, lib(t).tensor(index)), randn(seed, shape))
    src_shape = tuple(len(index) if d == dim % len(shape) else n for d, n in enumerate(shape))
    check_against_torch(lambda t, s: t.index_add(dim, lib(t).tensor(index), s, alpha=2.), randn(seed, shape), randn(seed + 1, src_shape))
    check_against_torch(lambda t: t.index_fill(dim, lib(t).tensor(index), -1.), randn(seed, shape))


@given(nonempty_shapes, seeds, st.data())
def test_masked_fill_select_take(shape, seed, data):
    mask_shape = tuple(1 if data.draw(st.booleans()) else n for n in shape)
    mask = np.random.default_rng(seed).random(mask_shape) > 0.5
    check_against_torch(lambda t: t.masked_fill(lib(t).tensor(mask), -2.), randn(seed, shape))
    check_against_torch(lambda t, v: t.masked_fill(lib(t).tensor(mask), v), randn(seed, shape), np.array(3.))
    check_against_torch(lambda t: t.masked_select(lib(t).tensor(mask)), randn(seed, shape))
    index = np.random.default_rng(seed).integers(0, int(np.prod(shape)), (2, 3))
    check_against_torch(lambda t: t.take(lib(t).tensor(index)), randn(seed, shape))


def test_take_along_dim_nonzero_where_select():
    x = randn(0, (3, 4))
    idx = np.argsort(x, axis=1)
    check_against_torch(lambda t: lib(t).take_along_dim(t, lib(t).tensor(idx), 1), x)
    check_against_torch(lambda t: t.select(1, 2), x)
    z = np.array([[0, 1, 0], [2, 0, 3]])
    assert tensor(z).nonzero().tolist() == torch.tensor(z).nonzero().tolist()
    assert [a.tolist() for a in tensor(z).nonzero(as_tuple=True)] == [a.tolist() for a in torch.tensor(z).nonzero(as_tuple=True)]
    assert [a.tolist() for a in maxine.where(tensor(z) > 0)] == [a.tolist() for a in torch.where(torch.tensor(z) > 0)]
    assert tensor(z).argwhere().tolist() == torch.tensor(z).argwhere().tolist()


def test_inplace_index_ops():
    for L in (maxine, torch):
        x = L.zeros(4)
        x.index_add_(0, L.tensor([1, 1, 3]), L.tensor([1., 2., 3.]))
        x.masked_fill_(x > 2.5, 9.)
        x.scatter_(0, L.tensor([0]), L.tensor([7.]))
        x.scatter_add_(0, L.tensor([0, 0]), L.tensor([1., 1.]))
        assert x.tolist() == [9., 9., 0., 9.]


def test_index_errors():
    x = tensor(np.zeros((3, 4)))
    with pytest.raises(IndexError, match='out of bounds'): x[3]
    with pytest.raises(IndexError, match='out of range'): x.index_select(1, tensor([4]))
    with pytest.raises(RuntimeError, match='out of bounds'): x.gather(0, tensor([[3]]))
    with pytest.raises(RuntimeError, match='same number of dimensions'): x.gather(0, tensor([1]))
    with pytest.raises(RuntimeError, match='boolean masks'): x.masked_fill(tensor([1, 0, 1, 0]), 0.)
    with pytest.raises(RuntimeError, match='broadcastable'): x.masked_fill(tensor([True, False]), 0.)
    with pytest.raises(RuntimeError, match='reduce argument'): x.scatter_reduce(0, tensor([[0]]), tensor([[1.]]), 'median')
