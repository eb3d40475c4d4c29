"Every Tensor op beside PyTorch: values and gradients in float64 over random shapes, edge cases and errors."
import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st, assume
from hypothesis.extra import numpy as hnp

import maxine
from maxine import tensor
from helpers import check_against_torch

seeds = st.integers(0, 2**32 - 1)
shapes = hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=4)
nonempty_shapes = hnp.array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=4)
pairs = hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4, min_side=0, max_side=4)


def randn(seed, shape): return np.random.default_rng(seed).standard_normal(shape)
def positive(seed, shape): return np.random.default_rng(seed).uniform(0.5, 2.0, shape)


# --- elementwise binary ops, with broadcasting -------------------------------------------------------------------

binary_ops = {
    'add': lambda a, b: a + b,
    'sub': lambda a, b: a - b,
    'mul': lambda a, b: a * b,
    'div': lambda a, b: a / b,
}

@pytest.mark.parametrize('name', binary_ops)
@given(pairs, seeds)
def test_binary_broadcasting(name, shapes_, seed):
    (sa, sb), _ = shapes_
    b = positive(seed + 1, sb) if name == 'div' else randn(seed + 1, sb)
    check_against_torch(binary_ops[name], randn(seed, sa), b)


@given(pairs, seeds)
def test_pow_tensor_exponent(shapes_, seed):
    (sa, sb), _ = shapes_
    check_against_torch(lambda a, b: a ** b, positive(seed, sa), randn(seed + 1, sb))


@pytest.mark.parametrize('fn', [lambda x: x + 2, lambda x: 2 - x, lambda x: x * 3.5, lambda x: 1.5 / x,
                                lambda x: x ** 3, lambda x: x ** 0.5, lambda x: x ** 0, lambda x: x ** -2,
                                lambda x: 2 ** x, lambda x: -x, lambda x: x - x * x])
@given(shapes, seeds)
def test_scalar_operands(fn, shape, seed):
    check_against_torch(fn, positive(seed, shape))


@pytest.mark.parametrize('name', ['maximum', 'minimum'])
@given(pairs, seeds)
def test_maximum_minimum(name, shapes_, seed):
    (sa, sb), _ = shapes_
    check_against_torch(lambda a, b: getattr(a, name)(b), randn(seed, sa), randn(seed + 1, sb))


def test_maximum_ties_share_gradient():
    check_against_torch(lambda a, b: a.maximum(b), np.array([1., 2., 3.]), np.array([1., 0., 3.]))
    check_against_torch(lambda a, b: a.minimum(b), np.array([1., 2., 3.]), np.array([1., 0., 3.]))


@given(hnp.mutually_broadcastable_shapes(num_shapes=3, min_dims=0, max_dims=3, min_side=0, max_side=4), seeds)
def test_where(shapes_, seed):
    (sc, sa, sb), _ = shapes_
    cond = np.random.default_rng(seed).random(sc) > 0.5
    check_against_torch(lambda a, b: maxine.where(tensor(cond), a, b),
                        randn(seed, sa), randn(seed + 1, sb),
                        torch_fn=lambda a, b: torch.where(torch.tensor(cond), a, b))


def test_where_with_scalar():
    cond = np.array([True, False, True])
    check_against_torch(lambda a: maxine.where(tensor(cond), a, 0.), np.array([1., 2., 3.]),
                        torch_fn=lambda a: torch.where(torch.tensor(cond), a, 0.))


@pytest.mark.parametrize('op', ['__lt__', '__le__', '__gt__', '__ge__', '__eq__', '__ne__'])
@given(pairs, seeds)
def test_comparisons(op, shapes_, seed):
    (sa, sb), _ = shapes_
    a, b = np.round(randn(seed, sa)), np.round(randn(seed + 1, sb))
    out = getattr(tensor(a, requires_grad=True), op)(tensor(b))
    assert out.dtype == np.bool_ and not out.requires_grad
    np.testing.assert_array_equal(out.data, getattr(torch.tensor(a), op)(torch.tensor(b)).numpy())


# --- elementwise unary ops ---------------------------------------------------------------------------------------

unary_ops = {
    'exp': (lambda x: x.exp(), randn), 'log': (lambda x: x.log(), positive),
    'sqrt': (lambda x: x.sqrt(), positive), 'abs': (lambda x: x.abs(), randn),
    'tanh': (lambda x: x.tanh(), randn), 'sigmoid': (lambda x: x.sigmoid(), randn),
    'relu': (lambda x: x.relu(), randn), 'clamp': (lambda x: x.clamp(-0.5, 0.7), randn),
    'clamp_min': (lambda x: x.clamp(min=0.1), randn), 'clamp_max': (lambda x: x.clamp(max=0.1), randn),
}

@pytest.mark.parametrize('name', unary_ops)
@given(shapes, seeds)
def test_unary(name, shape, seed):
    fn, make = unary_ops[name]
    check_against_torch(fn, make(seed, shape))


def test_unary_at_edges():
    x = np.array([-3., -1., 0., 1., 3.])
    for fn in [lambda x: x.relu(), lambda x: x.abs(), lambda x: x.clamp(-1, 1)]:
        check_against_torch(fn, x)


def test_sigmoid_and_tanh_large_values():
    check_against_torch(lambda x: x.sigmoid(), np.array([-1e4, -50., 0., 50., 1e4]))
    check_against_torch(lambda x: x.tanh(), np.array([-1e4, 0., 1e4]))


# --- matrix product ---------------------------------------------------------------------------------------------

@given(st.integers(0, 5), st.integers(0, 5), st.integers(0, 5), seeds)
def test_matmul_2d(m, k, n, seed):
    check_against_torch(lambda a, b: a @ b, randn(seed, (m, k)), randn(seed + 1, (k, n)))


@pytest.mark.parametrize('sa,sb', [((3,), (3,)), ((3,), (3, 4)), ((2, 3), (3,)), ((5, 2, 3), (3, 4)),
                                   ((2, 3), (5, 3, 4)), ((3,), (5, 3, 4)), ((5, 2, 3), (3,)),
                                   ((1, 2, 3), (4, 3, 2)), ((6, 1, 2, 3), (5, 3, 2)), ((1, 1), (1, 1))])
def test_matmul_vectors_and_batches(sa, sb):
    check_against_torch(lambda a, b: a @ b, randn(0, sa), randn(1, sb))


def test_matmul_with_numpy_and_reflected():
    w = np.arange(6.).reshape(3, 2)
    check_against_torch(lambda x: x @ w, randn(0, (4, 3)), torch_fn=lambda x: x @ torch.tensor(w))
    check_against_torch(lambda x: w.T @ x, randn(0, (3, 2)), torch_fn=lambda x: torch.tensor(w.T) @ x)


# --- reductions ---------------------------------------------------------------------------------------------------

@st.composite
def shape_and_dims(draw, min_side=0):
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=4, min_side=min_side, max_side=4))
    dims = draw(st.lists(st.integers(-len(shape), len(shape) - 1), min_size=1, max_size=len(shape),
                         unique_by=lambda d: d % len(shape)))
    return shape, tuple(dims)


@pytest.mark.parametrize('name', ['sum', 'mean'])
@pytest.mark.parametrize('keepdim', [False, True])
@given(shape_and_dims(min_side=1), seeds)
def test_sum_mean_over_dims(name, keepdim, shape_dims, seed):
    shape, dims = shape_dims
    check_against_torch(lambda x: getattr(x, name)(dims, keepdim=keepdim), randn(seed, shape))
    check_against_torch(lambda x: getattr(x, name)(dims[0], keepdim=keepdim), randn(seed, shape))


@pytest.mark.parametrize('name', ['sum', 'mean'])
@given(shapes, seeds)
def test_sum_mean_all(name, shape, seed):
    assume(name == 'sum' or np.prod(shape) > 0)   # the mean of nothing is nan in both
    check_against_torch(lambda x: getattr(x, name)(), randn(seed, shape))


def test_sum_of_empty_and_axis_alias():
    check_against_torch(lambda x: x.sum(1), np.zeros((0, 3)))
    check_against_torch(lambda x: x.sum(axis=1), randn(0, (2, 3)), torch_fn=lambda x: x.sum(dim=1))


@pytest.mark.parametrize('name', ['max', 'min'])
@pytest.mark.parametrize('keepdim', [False, True])
@given(shape_and_dims(min_side=1), seeds)
def test_max_min_dim(name, keepdim, shape_dims, seed):
    shape, dims = shape_dims
    check_against_torch(lambda x: tuple(getattr(x, name)(dims[0], keepdim=keepdim)), randn(seed, shape),
                        torch_fn=lambda x: tuple(getattr(x, name)(dims[0], keepdim=keepdim)))


@pytest.mark.parametrize('name', ['max', 'min'])
@given(nonempty_shapes, seeds)
def test_max_min_all(name, shape, seed):
    check_against_torch(lambda x: getattr(x, name)(), randn(seed, shape))


def test_max_ties_share_gradient():
    check_against_torch(lambda x: x.max(), np.array([[1., 3.], [3., 0.]]))


@pytest.mark.parametrize('name', ['argmax', 'argmin'])
@given(shape_and_dims(min_side=1), seeds)
def test_argmax_argmin(name, shape_dims, seed):
    shape, dims = shape_dims
    x = randn(seed, shape)
    for kwargs in [dict(), dict(dim=dims[0]), dict(dim=dims[0], keepdim=True)]:
        out = getattr(tensor(x), name)(**kwargs)
        assert out.dtype == np.int64
        np.testing.assert_array_equal(out.data, getattr(torch.tensor(x), name)(**kwargs).numpy())


@pytest.mark.parametrize('name', ['var', 'std'])
@pytest.mark.parametrize('correction', [0, 1])
@given(shape_and_dims(min_side=2), seeds)
def test_var_std(name, correction, shape_dims, seed):
    shape, dims = shape_dims
    check_against_torch(lambda x: getattr(x, name)(dims, correction=correction), randn(seed, shape))
    check_against_torch(lambda x: getattr(x, name)(), randn(seed, shape))


@given(shape_and_dims(min_side=1), seeds)
def test_logsumexp(shape_dims, seed):
    shape, dims = shape_dims
    check_against_torch(lambda x: x.logsumexp(dims), randn(seed, shape))
    check_against_torch(lambda x: x.logsumexp(dims[0], keepdim=True), randn(seed, shape))


@pytest.mark.parametrize('name', ['softmax', 'log_softmax'])
@given(shape_and_dims(min_side=1), seeds)
def test_softmax(name, shape_dims, seed):
    shape, dims = shape_dims
    check_against_torch(lambda x: getattr(x, name)(dims[0]), 3 * randn(seed, shape))


@pytest.mark.parametrize('name', ['softmax', 'log_softmax', 'logsumexp'])
def test_softmax_family_large_logits(name):
    x = np.array([[-1e4, 0., 1e4], [1e4, 1e4, -1e4], [5., 5., 5.]])
    check_against_torch(lambda t: getattr(t, name)(-1), x, atol=1e-8)
    with np.errstate(over='raise', invalid='raise', divide='raise'):   # no overflow or nan, forward or backward
        getattr(tensor(x, requires_grad=True), name)(-1).sum().backward()


# --- shape ops ----------------------------------------------------------------------------------------------------

@given(nonempty_shapes, seeds)
def test_reshape_flatten(shape, seed):
    x = randn(seed, shape)
    check_against_torch(lambda t: t.reshape(-1), x)
    check_against_torch(lambda t: t.view(x.size), x)
    check_against_torch(lambda t: t.reshape(shape[::-1]), x)
    check_against_torch(lambda t: t.flatten(), x)
    check_against_torch(lambda t: t.flatten(1) if t.ndim > 1 else t.flatten(), x)


@given(nonempty_shapes, seeds, st.randoms(use_true_random=False))
def test_permute_transpose(shape, seed, rnd):
    dims = list(range(len(shape))); rnd.shuffle(dims)
    x = randn(seed, shape)
    check_against_torch(lambda t: t.permute(*dims), x)
    check_against_torch(lambda t: t.permute(dims), x)
    check_against_torch(lambda t: t.transpose(0, -1), x)


def test_T_of_matrix():
    check_against_torch(lambda t: t.T, randn(0, (2, 3)))


@given(hnp.array_shapes(min_dims=0, max_dims=4, min_side=1, max_side=3), seeds)
def test_squeeze_unsqueeze(shape, seed):
    x = randn(seed, shape)
    check_against_torch(lambda t: t.squeeze(), x)
    for d in range(-len(shape) - 1, len(shape) + 1):
        check_against_torch(lambda t: t.unsqueeze(d), x)
    for d in range(-len(shape), len(shape)):
        check_against_torch(lambda t: t.squeeze(d), x)


# --- indexing -----------------------------------------------------------------------------------------------------

index_cases = [
    ((5,), 2), ((5,), -1), ((5,), slice(1, 4)), ((5,), slice(None, None, 2)), ((4, 3), (1, 2)),
    ((4, 3), (slice(None), 1)), ((4, 3), (None, 2)), ((4, 3), (Ellipsis, None)), ((4, 3, 2), (1, slice(0, 2), -1)),
    ((5,), [0, 0, 3, 0]), ((4, 3), [3, 3, 1]), ((4, 3), ([0, 0, 2], [1, 1, 2])), ((4, 3), (slice(None), [2, 2, 0])),
    ((4, 3), [[0, 1], [1, 1]]), ((0, 3), slice(None)), ((4, 3), ([], slice(None))),
]

@pytest.mark.parametrize('shape,key', index_cases)
def test_indexing(shape, key):
    def to_torch_key(k):
        if isinstance(k, list): return torch.tensor(k, dtype=torch.long)
        if isinstance(k, tuple): return tuple(to_torch_key(i) for i in k)
        return k
    check_against_torch(lambda t: t[key], randn(0, shape), torch_fn=lambda t: t[to_torch_key(key)])


@given(nonempty_shapes, seeds)
def test_boolean_mask(shape, seed):
    mask = np.random.default_rng(seed).random(shape) > 0.5
    check_against_torch(lambda t: t[tensor(mask)], randn(seed, shape),
                        torch_fn=lambda t: t[torch.tensor(mask)])


def test_integer_tensor_index_repeats_accumulate():
    x = tensor([1., 2., 3.], requires_grad=True)
    x[tensor([0, 0, 2, 0])].sum().backward()
    np.testing.assert_array_equal(x.grad.data, [3., 0., 1.])


# --- joining ------------------------------------------------------------------------------------------------------

@given(hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=3), st.integers(1, 4), seeds, st.data())
def test_cat_stack(shape, n, seed, data):
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    sizes = data.draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))
    parts = [randn(seed + i, shape[:dim % len(shape)] + (s,) + shape[dim % len(shape) + 1:]) for i, s in enumerate(sizes)]
    check_against_torch(lambda *ts: maxine.cat(ts, dim), *parts, torch_fn=lambda *ts: torch.cat(ts, dim))
    same = [randn(seed + i, shape) for i in range(n)]
    check_against_torch(lambda *ts: maxine.stack(ts, dim), *same, torch_fn=lambda *ts: torch.stack(ts, dim))
    check_against_torch(lambda *ts: maxine.stack(ts, -1), *same, torch_fn=lambda *ts: torch.stack(ts, -1))


# --- compositions -------------------------------------------------------------------------------------------------

def test_mlp_log_softmax():
    x, w1, b1, w2, b2 = randn(0, (8, 5)), randn(1, (5, 16)), randn(2, (16,)), randn(3, (16, 4)), randn(4, (4,))
    def mlp(x, w1, b1, w2, b2): return ((x @ w1 + b1).relu() @ w2 + b2).log_softmax(-1)
    check_against_torch(mlp, x, w1, b1, w2, b2,
                        torch_fn=lambda *a: torch.log_softmax(torch.relu(a[0] @ a[1] + a[2]) @ a[3] + a[4], -1))


def test_long_chain():
    def chain(x):
        for i in range(5000): x = (x * 1.0001).tanh() if i % 2 else x + 0.001
        return x
    check_against_torch(chain, randn(0, (3,)), rtol=1e-6)


def test_deep_chain_no_recursion_error():
    x = tensor(1., requires_grad=True)
    y = x
    for _ in range(10_000): y = y + 1.0
    y.backward()
    assert x.grad.item() == 1.0


def test_tensor_used_many_times():
    def many(x):
        y = x * x
        return (y + x) * y - x.exp() * y + (x @ x.T).sum(0)
    check_against_torch(many, randn(0, (3, 3)))


def test_diamond_graph():
    check_against_torch(lambda x: (x.exp() + x.exp()) * x.sigmoid(), randn(0, (4,)))


# --- autograd behaviour -------------------------------------------------------------------------------------------

def test_gradients_accumulate_until_zeroed():
    x = tensor([1., 2.], requires_grad=True)
    (x * 3).sum().backward()
    (x * x).sum().backward()
    np.testing.assert_allclose(x.grad.data, [3 + 2, 3 + 4])
    x.grad = None
    (x * 3).sum().backward()
    np.testing.assert_allclose(x.grad.data, [3, 3])


def test_no_grad_detach_and_propagation():
    x = tensor([1., 2.], requires_grad=True)
    with maxine.no_grad():
        y = x * 2
        with maxine.enable_grad(): z = x * 2
    assert not y.requires_grad and z.requires_grad
    assert maxine.is_grad_enabled()
    assert not x.detach().requires_grad and x.detach().data is x.data
    assert (x * tensor([1., 1.])).requires_grad
    assert not (tensor([1., 2.]) * 2).requires_grad
    @maxine.no_grad()
    def f(t): return t * 2
    assert not f(x).requires_grad


def test_integer_and_boolean_tensors_get_no_gradient():
    x = tensor([1., 2.], requires_grad=True)
    assert not x.argmax().requires_grad
    assert not (x > 1).requires_grad
    assert not x.max(0).indices.requires_grad
    assert not x.long().requires_grad
    with pytest.raises(RuntimeError, match='floating-point'): tensor([1, 2], requires_grad=True)


def test_non_leaf_backward_into_shared_leaf_is_copied():
    x = tensor([1., 2.], requires_grad=True)
    y = tensor([3., 4.], requires_grad=True)
    (x + y).sum().backward()
    x.grad.data += 1        # x.grad must not share memory with y.grad
    np.testing.assert_array_equal(y.grad.data, [1., 1.])


def test_retain_graph_allows_second_backward():
    x = tensor([1., 2.], requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(x.grad.data, [4., 8.])


def test_graph_is_freed_after_backward():
    import weakref, gc
    x = tensor(np.ones(3), requires_grad=True)
    h = x * 2
    ref = weakref.ref(h)
    y = (h * 3).sum()
    del h
    y.backward()
    gc.collect()
    assert ref() is None


# --- dtypes -------------------------------------------------------------------------------------------------------

f32_ops = [lambda x: x + 1, lambda x: 2.5 * x, lambda x: x / 3, lambda x: x ** 2, lambda x: 2 ** x,
           lambda x: x.exp(), lambda x: x.log(), lambda x: x.sqrt(), lambda x: x.sigmoid(), lambda x: x.tanh(),
           lambda x: x.relu(), lambda x: x.mean(), lambda x: x.var(0), lambda x: x.std(), lambda x: x.softmax(-1),
           lambda x: x.log_softmax(-1), lambda x: x.logsumexp(-1), lambda x: x @ x.T, lambda x: x.max(),
           lambda x: x[[0, 0]], lambda x: x.clamp(0.2, 0.8), lambda x: maxine.where(x > 0.5, x, 0.),
           lambda x: x.maximum(0.5)]

@pytest.mark.parametrize('dtype', [np.float32, np.float64])
@pytest.mark.parametrize('fn', f32_ops)
def test_dtype_kept_through_ops_and_gradients(dtype, fn):
    x = tensor(np.random.default_rng(0).uniform(0.1, 1, (3, 3)), dtype=dtype, requires_grad=True)
    out = fn(x)
    assert out.dtype == dtype
    out.sum().backward()
    assert x.grad.dtype == dtype


def test_default_dtypes():
    assert tensor([1., 2.]).dtype == np.float32
    assert tensor(1.5).dtype == np.float32
    assert tensor([1, 2]).dtype == np.int64
    assert tensor(np.zeros(2, np.float64)).dtype == np.float64
    assert tensor(torch.zeros(2)).dtype == np.float32
    assert tensor(torch.zeros(2, dtype=torch.float64)).dtype == np.float64
    assert maxine.randn(2).dtype == np.float32 and maxine.zeros(2).dtype == np.float32


# --- errors -------------------------------------------------------------------------------------------------------

def test_shape_errors_name_both_shapes():
    with pytest.raises(ValueError, match=r"matmul: shapes \(64, 784\) and \(10, 784\) don't line up: 784 != 10"):
        tensor(np.zeros((64, 784))) @ tensor(np.zeros((10, 784)))
    with pytest.raises(ValueError, match=r"\(2, 3\) and \(4,\)"):
        tensor(np.zeros((2, 3))) + tensor(np.zeros(4))
    with pytest.raises(ValueError, match=r"\(2, 3\) and \(4,\)"):
        tensor(np.zeros((2, 3))) * np.zeros(4)
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(4, 2\)"):
        tensor(np.zeros((2, 3))).reshape(4, 2)
    with pytest.raises(ValueError, match='at least one dimension'):
        tensor(2.) @ tensor([1.])


def test_backward_errors():
    with pytest.raises(RuntimeError, match=r'shape \(2,\)'):
        tensor([1., 2.], requires_grad=True).exp().backward()
    with pytest.raises(RuntimeError, match='does not require grad'):
        tensor([1., 2.]).sum().backward()
    x = tensor([1., 2.], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match='freed'):
        y.backward()
    with pytest.raises(ValueError, match=r'gradient has shape \(3,\)'):
        (x * 2).backward(np.ones(3))


def test_bad_data_errors():
    with pytest.raises(TypeError, match='expected a number'): tensor([[1, 2], [3]])
    with pytest.raises(TypeError, match='expected a number'): tensor({'a': 1})


# --- factories, seeding, gradcheck -------------------------------------------------------------------------------

def test_manual_seed_reproducible():
    maxine.manual_seed(3); a = (maxine.randn(4), maxine.rand(2, 2), maxine.randint(0, 10, (5,)))
    maxine.manual_seed(3); b = (maxine.randn(4), maxine.rand(2, 2), maxine.randint(0, 10, (5,)))
    for x, y in zip(a, b): np.testing.assert_array_equal(x.data, y.data)
    maxine.manual_seed(4)
    assert not np.array_equal(maxine.randn(4).data, a[0].data)


def test_factories_match_torch():
    for m, t in [(maxine.zeros(2, 3), torch.zeros(2, 3)), (maxine.ones((2,)), torch.ones(2)),
                 (maxine.full((2, 2), 1.5), torch.full((2, 2), 1.5)), (maxine.arange(5), torch.arange(5)),
                 (maxine.arange(1, 2, 0.25), torch.arange(1, 2, 0.25)), (maxine.eye(3), torch.eye(3)),
                 (maxine.zeros_like(tensor([[1., 2.]])), torch.zeros(1, 2))]:
        assert m.shape == tuple(t.shape) and m.dtype == t.numpy().dtype
        np.testing.assert_array_equal(m.data, t.numpy())
    assert maxine.randn(2, 3, requires_grad=True).requires_grad


def test_gradcheck_accepts_correct_and_rejects_wrong():
    x = tensor(randn(0, (3, 4)), requires_grad=True)
    assert maxine.gradcheck(lambda t: (t * t.sigmoid()).logsumexp(1), x)
    from maxine.tensor import _make
    def wrong(t): return _make(t.data ** 2, (t,), lambda g: (g * t.data,), 'wrong')
    with pytest.raises(maxine.GradcheckError, match='backward gives'):
        maxine.gradcheck(wrong, x)
    x.grad = maxine.ones(3, 4)
    maxine.gradcheck(lambda t: t.exp(), x)
    np.testing.assert_array_equal(x.grad.data, 1.)     # the user's gradient is kept
    with pytest.raises(ValueError, match='float64'):
        maxine.gradcheck(lambda t: t.exp(), tensor([1.], requires_grad=True))


def test_repr_and_conversions():
    x = tensor([1., 2.], requires_grad=True)
    assert repr(x) == 'tensor([1., 2.], requires_grad=True)'
    assert 'grad_fn=<mul>' in repr(x * 2)
    assert 'dtype=float64' in repr(tensor([1.], dtype=np.float64))
    assert x.tolist() == [1., 2.] and x.size() == (2,) and x.size(0) == 2 and x.numel() == 2
    assert tensor(3.).item() == 3. and len(x) == 2 and [t.item() for t in x] == [1., 2.]
    assert np.asarray(x).dtype == np.float32


def test_leaf_gradients_never_alias_anything_else():
    x, y = tensor([1., 2.], requires_grad=True), tensor([3., 4.], requires_grad=True)
    upstream = np.ones(2, np.float32)
    (x + y).backward(upstream)
    x.grad.data += 10                                   # must touch neither y.grad nor the caller's array
    np.testing.assert_array_equal(y.grad.data, [1., 1.]); np.testing.assert_array_equal(upstream, [1., 1.])
    w = tensor(np.ones((3, 2), np.float32), requires_grad=True)
    (tensor(np.ones((4, 3), np.float32)) @ w).sum().backward()
    first = w.grad.data
    (tensor(np.ones((4, 3), np.float32)) @ w).sum().backward()
    assert w.grad.data is first and (first == 8).all()     # accumulated in place into the array it owns
    z = tensor([1., 2.], requires_grad=True)
    (z.reshape(2, 1) * 1.0).sum().backward()
    z.grad.data += 1
    (z * 3).sum().backward(retain_graph=True)
    np.testing.assert_array_equal(z.grad.data, [5., 5.])
