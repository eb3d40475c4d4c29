"Reductions beside PyTorch: values, dtypes and gradients in float64 over random shapes and dims, ties, and errors."
import numpy as np
import pytest
import torch
from hypothesis import given, assume, strategies as st
from hypothesis.extra import numpy as hnp

import maxine
from maxine import tensor
from helpers import check_against_torch

seeds = st.integers(0, 2**32 - 1)
shapes = hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=4)
nonempty_shapes = hnp.array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=4)


def randn(seed, shape): return np.random.default_rng(seed).standard_normal(shape)


@st.composite
def shape_and_dims(draw, min_side=0):
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=4, min_side=min_side, max_side=4))
    dims = draw(st.lists(st.integers(-len(shape), len(shape) - 1), min_size=1, max_size=len(shape),
                         unique_by=lambda d: d % len(shape)))
    return shape, tuple(dims)


@pytest.mark.parametrize('name', ['sum', 'mean', 'amax', 'amin', 'logsumexp'])
@pytest.mark.parametrize('keepdim', [False, True])
@given(shape_and_dims(min_side=1), seeds)
def test_reductions_over_dims(name, keepdim, shape_dims, seed):
    shape, dims = shape_dims
    check_against_torch(lambda x: getattr(x, name)(dims, keepdim=keepdim), randn(seed, shape))
    check_against_torch(lambda x: getattr(x, name)(dims[0], keepdim=keepdim), randn(seed, shape))


@pytest.mark.parametrize('name', ['sum', 'mean', 'prod', 'amax', 'amin', 'max', 'min'])
@given(shapes, seeds)
def test_reductions_over_everything(name, shape, seed):
    assume(name in ('sum', 'prod') or np.prod(shape) > 0)
    check_against_torch(lambda x: getattr(x, name)(), randn(seed, shape))


def test_sum_of_empty_axis_alias_and_dtype():
    check_against_torch(lambda x: x.sum(1), np.zeros((0, 3)))
    check_against_torch(lambda x: x.sum(axis=1), randn(0, (2, 3)), torch_fn=lambda x: x.sum(dim=1))
    check_against_torch(lambda x: x.sum(dtype=maxine.float32) if isinstance(x, maxine.Tensor) else x.sum(dtype=torch.float32),
                        randn(0, (2, 3)), atol=1e-6)
    for x in [np.array([1, 2, 3], np.int32), np.array([True, False, True]), np.array([1, 2], np.uint8)]:
        for name in ['sum', 'prod', 'cumsum']:
            args = (0,) if name == 'cumsum' else ()
            m, t = getattr(tensor(x), name)(*args), getattr(torch.tensor(x), name)(*args)
            assert m.dtype == t.numpy().dtype and m.tolist() == t.tolist(), name


@pytest.mark.parametrize('keepdim', [False, True])
@given(shape_and_dims(min_side=1), seeds)
def test_prod_along_dim_with_zeros(keepdim, shape_dims, seed):
    shape, dims = shape_dims
    x = randn(seed, shape)
    x[np.random.default_rng(seed).random(shape) < 0.3] = 0.
    check_against_torch(lambda t: t.prod(dims[0], keepdim=keepdim), x)
    check_against_torch(lambda t: t.prod(), x)


@pytest.mark.parametrize('name', ['max', 'min'])
@pytest.mark.parametrize('keepdim', [False, True])
@given(shape_and_dims(min_side=1), seeds)
def test_max_min_along_dim(name, keepdim, shape_dims, seed):
    shape, dims = shape_dims
    check_against_torch(lambda x: tuple(getattr(x, name)(dims[0], keepdim=keepdim)), randn(seed, shape))
    out = getattr(tensor(randn(seed, shape)), name)(dim=dims[0])
    assert out.values is out[0] and out.indices.dtype == np.int64


def test_ties():
    x = np.array([[1., 3., 3.], [3., 0., 3.]])
    for fn in [lambda t: t.max(), lambda t: t.amax(1), lambda t: t.amin(0), lambda t: t.max(1).values,
               lambda t: t.min(0).values, lambda t: t.amax((0, 1))]:
        check_against_torch(fn, x)


@pytest.mark.parametrize('name', ['argmax', 'argmin'])
@given(shape_and_dims(min_side=1), seeds)
def test_argmax_argmin(name, shape_dims, seed):
    shape, dims = shape_dims
    x = randn(seed, shape)
    for kwargs in [dict(), dict(dim=dims[0]), dict(dim=dims[0], keepdim=True)]:
        out = getattr(tensor(x), name)(**kwargs)
        assert out.dtype == np.int64
        np.testing.assert_array_equal(out.detach().numpy(), getattr(torch.tensor(x), name)(**kwargs).numpy())


@given(shape_and_dims(min_side=0), seeds)
def test_all_any_count_nonzero(shape_dims, seed):
    shape, dims = shape_dims
    x = np.random.default_rng(seed).integers(0, 2, shape)
    for name in ['all', 'any', 'count_nonzero']:
        for args in [(), (dims[0],)]:
            m, t = getattr(tensor(x), name)(*args), getattr(torch.tensor(x), name)(*args)
            assert m.dtype == t.numpy().dtype
            np.testing.assert_array_equal(m.detach().numpy(), t.numpy())


@pytest.mark.parametrize('name', ['var', 'std'])
@pytest.mark.parametrize('correction', [0, 1, 2])
@given(shape_and_dims(min_side=3), seeds)
def test_var_std(name, correction, shape_dims, seed):
    shape, dims = shape_dims
    check_against_torch(lambda x: getattr(x, name)(dims, correction=correction), randn(seed, shape))
    check_against_torch(lambda x: getattr(x, name)(dims[0], correction=correction, keepdim=True), randn(seed, shape))
    check_against_torch(lambda x: getattr(x, name)(), randn(seed, shape))


def test_var_old_forms_and_var_mean():
    x = randn(0, (3, 4))
    check_against_torch(lambda t: t.var(1, False), x)
    check_against_torch(lambda t: t.std(0, True, keepdim=True), x)
    check_against_torch(lambda t: (maxine if isinstance(t, maxine.Tensor) else torch).var_mean(t, 1), x)
    check_against_torch(lambda t: (maxine if isinstance(t, maxine.Tensor) else torch).std_mean(t, 0, correction=0), x)


@pytest.mark.parametrize('name', ['softmax', 'log_softmax'])
@given(shape_and_dims(min_side=1), seeds)
def test_softmax(name, shape_dims, seed):
    shape, dims = shape_dims
    check_against_torch(lambda x: getattr(x, name)(dims[0]), 3 * randn(seed, shape))


@pytest.mark.parametrize('name', ['softmax', 'log_softmax', 'logsumexp'])
def test_softmax_family_large_logits(name):
    x = np.array([[-1e4, 0., 1e4], [1e4, 1e4, -1e4], [5., 5., 5.], [-np.inf, 0., 1.]])
    check_against_torch(lambda t: getattr(t, name)(-1), x, atol=1e-8)
    with np.errstate(over='raise', divide='raise'):   # no overflow, forward or backward
        getattr(tensor(x[:3], requires_grad=True), name)(-1).sum().backward()


def test_softmax_of_integers_and_dtype_argument():
    check_against_torch(lambda t: t.softmax(0), np.array([1., 2., 3.], np.float32), atol=1e-7)
    m, t = tensor([1, 2]).softmax(0), torch.tensor([1., 2.]).softmax(0)
    assert m.dtype == np.float32 and np.allclose(m.detach().numpy(), t.numpy())
    check_against_torch(lambda t: t.log_softmax(1, dtype=maxine.float64) if isinstance(t, maxine.Tensor)
                        else t.log_softmax(1, dtype=torch.float64), randn(0, (2, 3)).astype(np.float32), atol=1e-6)


@pytest.mark.parametrize('name', ['cumsum', 'cumprod'])
@given(shape_and_dims(min_side=0), seeds)
def test_cumulative(name, shape_dims, seed):
    shape, dims = shape_dims
    x = randn(seed, shape)
    if name == 'cumprod': x[np.random.default_rng(seed).random(shape) < 0.2] = 0.
    check_against_torch(lambda t: getattr(t, name)(dims[0]), x)


@pytest.mark.parametrize('descending', [False, True])
@given(shape_and_dims(min_side=1), seeds)
def test_sort_argsort(descending, shape_dims, seed):
    shape, dims = shape_dims
    x = randn(seed, shape)                  # distinct values: the order is unique
    check_against_torch(lambda t: tuple(t.sort(dims[0], descending=descending)), x)
    np.testing.assert_array_equal(tensor(x).argsort(dims[0], descending=descending).detach().numpy(),
                                  torch.tensor(x).argsort(dims[0], descending=descending).numpy())


def test_sort_is_stable_as_torch_stable():
    x = np.array([3, 1, 2, 1, 3, 2, 1])
    for descending in (False, True):
        m = tensor(x).sort(descending=descending, stable=True)
        t = torch.tensor(x).sort(descending=descending, stable=True)
        assert m.indices.tolist() == t.indices.tolist() and m.values.tolist() == t.values.tolist()


@pytest.mark.parametrize('largest', [True, False])
@given(shape_and_dims(min_side=1), seeds, st.data())
def test_topk(largest, shape_dims, seed, data):
    shape, dims = shape_dims
    k = data.draw(st.integers(0, shape[dims[0]]))
    check_against_torch(lambda t: tuple(t.topk(k, dims[0], largest=largest)), randn(seed, shape))


def test_reduction_errors():
    x = tensor(np.zeros((2, 3)))
    with pytest.raises(IndexError, match='Dimension out of range'): x.sum(2)
    with pytest.raises(RuntimeError, match='could not infer output dtype'): tensor([1, 2]).mean()
    with pytest.raises(RuntimeError, match='out of range'): x.topk(4)
    with pytest.raises(IndexError, match='numel'): tensor([]).max()
    with pytest.raises(TypeError, match='dim or axis'): x.sum(0, axis=1)
