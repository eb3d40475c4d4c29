"Shape ops beside PyTorch: values and gradients in float64, views and their version counters, and errors."
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
shapes = hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=4)


def randn(seed, shape): return np.random.default_rng(seed).standard_normal(shape)
def lib(t): return maxine if isinstance(t, maxine.Tensor) else torch


@given(nonempty_shapes, seeds)
def test_reshape_family(shape, seed):
    x = randn(seed, shape)
    for fn in [lambda t: t.reshape(-1), lambda t: t.view(x.size), lambda t: t.reshape(shape[::-1]),
               lambda t: t.flatten(), lambda t: t.flatten(1) if t.ndim > 1 else t.flatten(),
               lambda t: t.flatten(0, -2) if t.ndim > 1 else t, lambda t: t.view_as(t.flatten()),
               lambda t: t.unflatten(0, (1, shape[0])), lambda t: t.reshape_as(t.flatten())]:
        check_against_torch(fn, x)


@given(nonempty_shapes, seeds, st.randoms(use_true_random=False))
def test_permute_transpose_movedim(shape, seed, rnd):
    dims = list(range(len(shape))); rnd.shuffle(dims)
    x = randn(seed, shape)
    for fn in [lambda t: t.permute(*dims), lambda t: t.permute(dims), lambda t: t.transpose(0, -1),
               lambda t: t.swapaxes(0, -1), lambda t: t.movedim(0, -1), lambda t: t.T if t.ndim == 2 else t,
               lambda t: t.mT if t.ndim >= 2 else t, lambda t: t.t() if t.ndim <= 2 else t]:
        check_against_torch(fn, x)


@given(hnp.array_shapes(min_dims=0, max_dims=4, min_side=1, max_side=3), seeds)
def test_squeeze_unsqueeze(shape, seed):
    x = randn(seed, shape)
    check_against_torch(lambda t: t.squeeze(), x)
    for d in range(-len(shape) - 1, len(shape) + 1):
        check_against_torch(lambda t: t.unsqueeze(d), x)
    for d in range(-len(shape), len(shape)):
        check_against_torch(lambda t: t.squeeze(d), x)
    if len(shape) >= 2: check_against_torch(lambda t: t.squeeze((0, 1)), x)


@given(hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=3), seeds, st.data())
def test_expand_repeat_tile(shape, seed, data):
    x = randn(seed, shape)
    ones = tuple(1 if data.draw(st.booleans()) else n for n in shape)
    x1 = randn(seed, ones)
    target = (2,) + tuple(3 if n == 1 else n for n in ones)
    check_against_torch(lambda t: t.expand(target), x1)
    check_against_torch(lambda t: t.expand(*((-1,) * 0 + target)), x1)
    check_against_torch(lambda t: t.expand_as(lib(t).zeros(target, dtype=t.dtype)), x1)
    reps = tuple(data.draw(st.integers(1, 3)) for _ in range(len(shape) + data.draw(st.integers(0 if shape else 1, 1))))
    check_against_torch(lambda t: t.repeat(*reps), x)
    check_against_torch(lambda t: t.tile(reps[:max(len(reps) - 1, 1)]) if reps else t, x)


@given(nonempty_shapes, seeds, st.data())
def test_repeat_interleave_flip_roll(shape, seed, data):
    x = randn(seed, shape)
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    counts = np.random.default_rng(seed).integers(0, 3, shape[dim])
    check_against_torch(lambda t: t.repeat_interleave(2), x)
    check_against_torch(lambda t: t.repeat_interleave(2, dim=dim), x)
    check_against_torch(lambda t: t.repeat_interleave(lib(t).tensor(counts), dim=dim), x)
    check_against_torch(lambda t: t.flip(dim), x)
    check_against_torch(lambda t: t.flip(list(range(len(shape)))), x)
    check_against_torch(lambda t: t.roll(2, dim), x)
    check_against_torch(lambda t: t.roll(-1), x)
    check_against_torch(lambda t: t.roll((1, 2), (0, -1)), x)


@given(hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=3), st.integers(1, 4), seeds, st.data())
def test_cat_stack(shape, n, seed, data):
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    sizes = data.draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))
    parts = [randn(seed + i, shape[:dim % len(shape)] + (s,) + shape[dim % len(shape) + 1:]) for i, s in enumerate(sizes)]
    check_against_torch(lambda *ts: lib(ts[0]).cat(ts, dim), *parts)
    check_against_torch(lambda *ts: lib(ts[0]).concat(ts, dim), *parts)
    same = [randn(seed + i, shape) for i in range(n)]
    check_against_torch(lambda *ts: lib(ts[0]).stack(ts, dim), *same)
    check_against_torch(lambda *ts: lib(ts[0]).stack(ts, -1), *same)


def test_cat_promotes_and_skips_empty_vectors():
    a, b = np.array([1, 2]), np.array([0.5])
    assert maxine.cat([tensor(a), tensor(b)]).dtype == torch.cat([torch.tensor(a), torch.tensor(b)]).numpy().dtype
    check_against_torch(lambda x: lib(x).cat([lib(x).tensor([], dtype=x.dtype), x]), randn(0, (2, 3)))
    check_against_torch(lambda x: lib(x).hstack([x, x]), randn(0, (2, 3)))
    check_against_torch(lambda x: lib(x).vstack([x, x[0]]), randn(0, (2, 3)))


@given(nonempty_shapes, seeds, st.data())
def test_split_chunk_unbind_narrow(shape, seed, data):
    x = randn(seed, shape)
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    n = shape[dim]
    size = data.draw(st.integers(1, n + 1))
    check_against_torch(lambda t: t.split(size, dim), x)
    cut = data.draw(st.integers(0, n))
    check_against_torch(lambda t: t.split([cut, n - cut], dim), x)
    chunks = data.draw(st.integers(1, 5))
    check_against_torch(lambda t: t.chunk(chunks, dim), x)
    check_against_torch(lambda t: t.unbind(dim), x)
    start = data.draw(st.integers(0, n - 1))
    check_against_torch(lambda t: t.narrow(dim, start, n - start), x)


def test_a_split_piece_alone_gets_its_gradient():
    check_against_torch(lambda t: t.split(2)[1] * 3, randn(0, (5, 2)))
    check_against_torch(lambda t: t.unbind(1)[0] + t.unbind(1)[2], randn(0, (2, 3)))


@given(hnp.array_shapes(min_dims=2, max_dims=4, min_side=1, max_side=4), seeds, st.integers(-3, 3))
def test_tril_triu_diagonal(shape, seed, k):
    x = randn(seed, shape)
    check_against_torch(lambda t: t.tril(k), x)
    check_against_torch(lambda t: t.triu(k), x)
    check_against_torch(lambda t: t.diagonal(k), x)
    check_against_torch(lambda t: t.diagonal(k, -2, -1), x)
    check_against_torch(lambda t: t.diagonal(-k, 1, 0), x)


def test_diag():
    check_against_torch(lambda t: t.diag(), randn(0, (3,)))
    check_against_torch(lambda t: t.diag(1), randn(0, (3,)))
    check_against_torch(lambda t: t.diag(), randn(0, (3, 4)))
    check_against_torch(lambda t: t.diag(-1), randn(0, (4, 3)))


@given(nonempty_shapes, seeds, st.data())
def test_unfold(shape, seed, data):
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    size = data.draw(st.integers(1, shape[dim]))
    step = data.draw(st.integers(1, 3))
    check_against_torch(lambda t: t.unfold(dim, size, step), randn(seed, shape))


def test_views_and_copies():
    x = tensor(np.arange(6.).reshape(2, 3))
    for view in [x.view(6), x.reshape(3, 2), x.T, x.permute(1, 0), x.unsqueeze(0), x[0], x.narrow(1, 0, 2),
                 x.transpose(0, 1), x.expand(4, 2, 3), x.split(1)[0], x.unbind(0)[1], x.detach(), x.diagonal()]:
        assert view._version_counter is x._version_counter, view
    assert x.T.reshape(6)._version_counter is not x._version_counter      # a reshape that had to copy
    assert x.T.contiguous().detach().numpy().flags.c_contiguous and x.contiguous() is x


def test_shape_errors():
    x = tensor(np.zeros((2, 3)))
    with pytest.raises(RuntimeError, match=r'invalid for input of shape \(2, 3\)'): x.reshape(4, 2)
    with pytest.raises(ValueError, match=r'invalid for input of shape \(2, 3\)'): x.reshape(4, 2)   # and a ValueError
    assert x.T.view(6).tolist() == x.T.reshape(6).tolist()          # maxine's view copies where it must (its docs say why)
    with pytest.raises(RuntimeError, match='does not match'): x.permute(0)
    with pytest.raises(RuntimeError, match='duplicate'): x.permute(0, 0)
    with pytest.raises(RuntimeError, match='must match the existing size'): x.expand(4, 4)
    with pytest.raises(RuntimeError, match='must match except in dimension'): maxine.cat([x, tensor(np.zeros((2, 2)))])
    with pytest.raises(RuntimeError, match='equal size'): maxine.stack([x, x.T])
    with pytest.raises(RuntimeError, match='sum exactly'): x.split([1, 1], 1)
    with pytest.raises(IndexError, match='Dimension out of range'): x.unsqueeze(3)
    with pytest.raises(RuntimeError, match='exceeds dimension size'): x.narrow(1, 2, 2)


def test_ravel_and_type_as_like_torch():
    x = np.arange(6.).reshape(2, 3)
    check_against_torch(lambda t: t.t().ravel(), x)
    for lib in (maxine, torch):
        assert lib.tensor(x).type_as(lib.tensor([1])).dtype == lib.int64


def test_conjugate_transposes_of_real_tensors_as_pytorch():
    import torch
    a = np.random.default_rng(0).standard_normal((2, 3))
    assert np.array_equal(maxine.tensor(a).H.numpy(), torch.tensor(a).H.numpy())
    assert np.array_equal(maxine.tensor(np.ones((2, 3, 4))).mH.numpy(), torch.ones(2, 3, 4, dtype=torch.float64).mH.numpy())
    assert maxine.tensor(1.).H.item() == 1.
    with pytest.raises(RuntimeError, match='only supported on matrices'): maxine.ones(3).H
