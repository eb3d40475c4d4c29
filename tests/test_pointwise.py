"Pointwise ops beside PyTorch: values, dtypes and gradients in float64 over random broadcast shapes, and edge cases."
import math
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
pairs = hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4, min_side=0, max_side=4)
triples = hnp.mutually_broadcastable_shapes(num_shapes=3, min_dims=0, max_dims=3, min_side=0, max_side=3)


def randn(seed, shape): return np.random.default_rng(seed).standard_normal(shape)
def uniform(lo, hi): return lambda seed, shape: np.random.default_rng(seed).uniform(lo, hi, shape)
positive, unit, above_one, nonzero = uniform(0.5, 2.0), uniform(-0.9, 0.9), uniform(1.1, 3.0), uniform(0.5, 2.0)
def off_integers(seed, shape):
    "Values away from whole numbers and halves, where rounding functions are smooth"
    return np.floor(randn(seed, shape) * 3) + np.random.default_rng(seed + 7).uniform(0.1, 0.4, shape)


# --- one input -------------------------------------------------------------------------------------------------

unary = {
    'exp': randn, 'exp2': randn, 'expm1': randn, 'log': positive, 'log2': positive, 'log10': positive,
    'log1p': positive, 'sqrt': positive, 'rsqrt': positive, 'reciprocal': nonzero, 'square': randn, 'abs': randn,
    'neg': randn, 'sign': randn, 'sin': randn, 'cos': randn, 'tan': unit, 'asin': unit, 'acos': unit, 'atan': randn,
    'sinh': randn, 'cosh': randn, 'tanh': randn, 'asinh': randn, 'acosh': above_one, 'atanh': unit,
    'sigmoid': randn, 'relu': randn, 'erf': randn, 'erfc': randn, 'erfinv': unit, 'floor': off_integers,
    'ceil': off_integers, 'round': off_integers, 'trunc': off_integers, 'frac': off_integers,
    'arcsin': unit, 'arctan': randn, 'absolute': randn, 'negative': randn, 'fix': off_integers,
}

@pytest.mark.parametrize('name', unary)
@given(shapes, seeds)
def test_unary(name, shape, seed):
    check_against_torch(lambda x: getattr(x, name)(), unary[name](seed, shape))


@pytest.mark.parametrize('name', ['exp', 'sin', 'tanh', 'sigmoid', 'relu', 'abs', 'sqrt', 'erf', 'floor'])
def test_unary_function_form_and_float32(name):
    x = np.abs(randn(0, (3, 4))).astype(np.float32) + 0.1
    check_against_torch(lambda t: getattr(maxine if isinstance(t, maxine.Tensor) else torch, name)(t), x,
                        atol=1e-6, rtol=1e-5)


@pytest.mark.parametrize('name', ['exp', 'log', 'sqrt', 'sin', 'sigmoid', 'tanh', 'erf'])
def test_integer_input_gives_default_float(name):
    x = np.array([1, 2, 3])
    m, t = getattr(tensor(x), name)(), getattr(torch.tensor(x), name)()
    assert m.dtype == t.numpy().dtype == np.float32
    np.testing.assert_allclose(m.detach().numpy(), t.numpy(), rtol=1e-6)


def test_unary_at_edges():
    x = np.array([-3., -1., 0., 1., 3.])
    for fn in [lambda x: x.relu(), lambda x: x.abs(), lambda x: x.clamp(-1, 1), lambda x: x.sign()]:
        check_against_torch(fn, x)
    check_against_torch(lambda x: x.sigmoid(), np.array([-1e4, -50., 0., 50., 1e4]))
    check_against_torch(lambda x: x.tanh(), np.array([-1e4, 0., 1e4]))
    check_against_torch(lambda x: x.erf(), np.array([-30., -4.5, -0.46875, 0., 1e-300, 0.46875, 4., 30.]))
    check_against_torch(lambda x: x.erfc(), np.array([-6., -1., 0., 0.5, 4., 10., 26.]), rtol=1e-12)
    check_against_torch(lambda x: x.erfinv(), np.array([-0.999999, -0.5, 0., 1e-10, 0.5, 0.999999]), rtol=1e-9)
    check_against_torch(lambda x: x.round(decimals=2), np.array([1.2345, -2.5, 0.125]))


def test_special_values():
    x = np.array([-np.inf, -1., 0., 1., np.inf, np.nan])
    for name in ['exp', 'tanh', 'sigmoid', 'erf', 'abs', 'relu', 'floor', 'sign']:
        np.testing.assert_allclose(getattr(tensor(x), name)().detach().numpy(), getattr(torch.tensor(x), name)().numpy(),
                                   rtol=1e-15, err_msg=name)
    np.testing.assert_array_equal(tensor(x).nan_to_num().detach().numpy(), torch.tensor(x).nan_to_num().numpy())
    np.testing.assert_array_equal(tensor(x).nan_to_num(1., 2., -2.).detach().numpy(), torch.tensor(x).nan_to_num(1., 2., -2.).numpy())
    np.testing.assert_allclose(tensor(x).erfinv().detach().numpy(), torch.tensor(x).erfinv().numpy(), rtol=1e-15)
    np.testing.assert_array_equal(tensor([-1., 1., 2.]).erfinv().detach().numpy(), torch.tensor([-1., 1., 2.]).erfinv().numpy())


# --- two inputs, broadcast ------------------------------------------------------------------------------------------

binary = {
    'add': (lambda a, b: a + b, randn), 'sub': (lambda a, b: a - b, randn), 'mul': (lambda a, b: a * b, randn),
    'div': (lambda a, b: a / b, nonzero), 'pow': (lambda a, b: a.abs() ** b, randn),
    'atan2': (lambda a, b: a.atan2(b), nonzero), 'hypot': (lambda a, b: a.hypot(b), nonzero),
    'logaddexp': (lambda a, b: a.logaddexp(b), randn), 'maximum': (lambda a, b: a.maximum(b), randn),
    'minimum': (lambda a, b: a.minimum(b), randn), 'copysign': (lambda a, b: a.copysign(b), nonzero),
    'add_alpha': (lambda a, b: a.add(b, alpha=2.5), randn), 'sub_alpha': (lambda a, b: a.sub(b, alpha=-1.5), randn),
    'mul_method': (lambda a, b: a.mul(b), randn), 'true_divide': (lambda a, b: a.true_divide(b), nonzero),
}

@pytest.mark.parametrize('name', binary)
@given(pairs, seeds)
def test_binary_broadcasting(name, shapes_, seed):
    (sa, sb), _ = shapes_
    fn, make_b = binary[name]
    check_against_torch(fn, randn(seed, sa) + (3 if name == 'pow' else 0), make_b(seed + 1, sb))


@pytest.mark.parametrize('name', ['fmod', 'remainder'])
@given(pairs, seeds)
def test_fmod_remainder(name, shapes_, seed):
    (sa, sb), _ = shapes_
    a = randn(seed, sa) * 5
    b = np.random.default_rng(seed + 1).choice([-1.7, -1.3, 1.3, 1.7], sb)
    check_against_torch(lambda x, y: getattr(x, name)(y), a, b)


@given(triples, seeds)
def test_lerp_and_clamp_with_tensors(shapes_, seed):
    (sa, sb, sc), result = shapes_
    assume(0 not in result)            # torch's own lerp and clamp backward fail on an empty broadcast
    # torch's lerp backward needs `input` in the full broadcast shape
    check_against_torch(lambda a, b, w: a.lerp(b, w), randn(seed, result), randn(seed + 1, sb), randn(seed + 2, sc))
    lo, hi = randn(seed + 1, sb) - 1, randn(seed + 2, sc) + 1
    check_against_torch(lambda x, l, h: x.clamp(l, h), randn(seed, result) * 2, lo, hi)


@given(triples, seeds)
def test_where(shapes_, seed):
    (sc, sa, sb), _ = shapes_
    cond = np.random.default_rng(seed).random(sc) > 0.5
    check_against_torch(lambda a, b: maxine.where(tensor(cond), a, b), randn(seed, sa), randn(seed + 1, sb),
                        torch_fn=lambda a, b: torch.where(torch.tensor(cond), a, b))
    check_against_torch(lambda a: a.where(tensor(cond), 0.5), randn(seed, sa),
                        torch_fn=lambda a: a.where(torch.tensor(cond), 0.5))


def test_ties_share_gradient():
    check_against_torch(lambda a, b: a.maximum(b), np.array([1., 2., 3.]), np.array([1., 0., 3.]))
    check_against_torch(lambda a, b: a.minimum(b), np.array([1., 2., 3.]), np.array([1., 0., 3.]))
    check_against_torch(lambda a: a.clamp(-1, 1), np.array([-1., 0., 1., 2.]))


@pytest.mark.parametrize('fn', [lambda x: x + 2, lambda x: 2 - x, lambda x: x * 3.5, lambda x: 1.5 / x,
                                lambda x: x ** 3, lambda x: x ** 0.5, lambda x: x ** 0, lambda x: x ** -2,
                                lambda x: 2 ** x, lambda x: -x, lambda x: x - x * x,
                                lambda x: x.div(0.7, rounding_mode='floor'), lambda x: x.div(0.7, rounding_mode='trunc'), lambda x: x % 0.7, lambda x: x.pow(2), lambda x: x.clamp(min=0.7),
                                lambda x: x.clamp(max=1.1), lambda x: x.clip(0.8, 1.2)])
@given(shapes, seeds)
def test_scalar_operands(fn, shape, seed):
    check_against_torch(fn, positive(seed, shape))


def test_pow_at_zero():
    check_against_torch(lambda a, b: a ** b, np.array([0., 0., 2.]), np.array([2., 0., 0.]))
    check_against_torch(lambda a: a ** 0, np.array([0., 1.]))
    check_against_torch(lambda b: 0. ** b if isinstance(b, maxine.Tensor) else torch.pow(0., b), np.array([1., 2.]))


def test_numpy_operands_and_reflected():
    w = np.arange(1., 7.).reshape(2, 3)
    check_against_torch(lambda x: x * w, randn(0, (2, 3)), torch_fn=lambda x: x * torch.tensor(w))
    check_against_torch(lambda x: w - x, randn(0, (2, 3)), torch_fn=lambda x: torch.tensor(w) - x)
    assert type(np.ones(3) + tensor([1., 2., 3.])) is maxine.Tensor


# --- dtypes ---------------------------------------------------------------------------------------------------------

DTYPES = [np.bool_, np.uint8, np.int8, np.int32, np.int64, np.float16, np.float32, np.float64]
SCALARS = [True, 3, 2.5]

@pytest.mark.parametrize('a', DTYPES)
@pytest.mark.parametrize('b', DTYPES + SCALARS)
@pytest.mark.parametrize('op', ['add', 'mul', 'div', 'maximum', 'eq'])
def test_type_promotion_matches_torch(a, b, op):
    if op in ('add', 'mul') and a == np.bool_ and b in (np.bool_, True): pytest.skip("bool arithmetic")
    x = np.array([1, 0, 1]).astype(a)
    y = np.array([1, 1, 0]).astype(b) if isinstance(b, type) else b
    if op == 'maximum' and not isinstance(b, type): pytest.skip("torch.maximum takes tensors only")
    m = getattr(maxine, op)(tensor(x), tensor(y) if isinstance(b, type) else y)
    t = getattr(torch, op)(torch.tensor(x), torch.tensor(y) if isinstance(b, type) else y)
    assert m.dtype == t.numpy().dtype, f"{op}({a.__name__}, {b}): maxine {m.dtype}, torch {t.numpy().dtype}"


@pytest.mark.parametrize('a', [np.int64, np.float32])
@pytest.mark.parametrize('zero_dim', [np.float64, np.int32])
def test_zero_dim_tensors_rank_below_dimensioned(a, zero_dim):
    m = tensor(np.ones(3, a)) * tensor(np.array(2, zero_dim))
    t = torch.tensor(np.ones(3, a)) * torch.tensor(np.array(2, zero_dim))
    assert m.dtype == t.numpy().dtype


def test_float32_stays_float32_with_python_numbers():
    x = tensor([1., 2.])
    for y in [x * 2.5, 2.5 * x, x / 3, x ** 2, 2 ** x, x + True, x - 10 ** 6]:
        assert y.dtype == np.float32
    assert (tensor([1, 2]) * 2.5).dtype == np.float32
    assert (tensor([1, 2]) / tensor([2, 2])).dtype == np.float32
    maxine.set_default_dtype(maxine.float64)
    try: assert (tensor([1, 2]) * 2.5).dtype == np.float64 and tensor([1.5]).dtype == np.float64
    finally: maxine.set_default_dtype(maxine.float32)


# --- comparisons and logic ------------------------------------------------------------------------------------------

@pytest.mark.parametrize('op', ['__lt__', '__le__', '__gt__', '__ge__', '__eq__', '__ne__', 'eq', 'ne', 'lt',
                                'greater', 'less_equal', 'not_equal'])
@given(pairs, seeds)
def test_comparisons(op, shapes_, seed):
    (sa, sb), _ = shapes_
    a, b = np.round(randn(seed, sa)), np.round(randn(seed + 1, sb))
    out = getattr(tensor(a, requires_grad=True), op)(tensor(b))
    assert out.dtype == np.bool_ and not out.requires_grad
    np.testing.assert_array_equal(out.detach().numpy(), getattr(torch.tensor(a), op)(torch.tensor(b)).numpy())


@pytest.mark.parametrize('name', ['logical_and', 'logical_or', 'logical_xor', 'bitwise_and', 'bitwise_or',
                                  'bitwise_xor', 'bitwise_left_shift', 'bitwise_right_shift'])
@given(pairs, seeds)
def test_logic_and_bits(name, shapes_, seed):
    (sa, sb), _ = shapes_
    rng = np.random.default_rng(seed)
    a, b = rng.integers(0, 8, sa), rng.integers(0, 3, sb)
    np.testing.assert_array_equal(getattr(tensor(a), name)(tensor(b)).detach().numpy(), getattr(torch.tensor(a), name)(torch.tensor(b)).numpy())


def test_logic_operators_and_predicates():
    a, b = np.array([True, False, True]), np.array([True, True, False])
    for op in [lambda x, y: x & y, lambda x, y: x | y, lambda x, y: x ^ y, lambda x, y: ~x]:
        np.testing.assert_array_equal(op(tensor(a), tensor(b)).detach().numpy(), op(torch.tensor(a), torch.tensor(b)).numpy())
    i = np.array([5, 3, 12])
    for op in [lambda x: x & 6, lambda x: x | 1, lambda x: x ^ 7, lambda x: ~x, lambda x: x << 2, lambda x: x >> 1]:
        np.testing.assert_array_equal(op(tensor(i)).detach().numpy(), op(torch.tensor(i)).numpy())
    x = np.array([1., np.nan, np.inf, -np.inf])
    for name in ['isnan', 'isinf', 'isfinite', 'isposinf', 'isneginf', 'logical_not']:
        np.testing.assert_array_equal(getattr(tensor(x), name)().detach().numpy(), getattr(torch.tensor(x), name)().numpy())
    y = x + 1e-9
    assert maxine.isclose(tensor(x), tensor(y)).tolist() == torch.isclose(torch.tensor(x), torch.tensor(y)).tolist()
    assert maxine.allclose(tensor([1., 2.]), tensor([1., 2. + 1e-9])) and not maxine.allclose(tensor([1.]), tensor([2.]))
    assert maxine.equal(tensor([1, 2]), tensor([1, 2])) and not maxine.equal(tensor([1, 2]), tensor([1, 2, 3]))
    assert (tensor([1., 2.]) == None) is False and (tensor([1., 2.]) != None) is True


def test_bit_ops_refuse_floats():
    with pytest.raises(TypeError, match='have bits'): tensor([1.]) & tensor([1.])
    with pytest.raises(TypeError, match='have bits'): ~tensor([1.5])


# --- in place -------------------------------------------------------------------------------------------------------

inplace = [('add_', lambda x: x.add_(2)), ('sub_', lambda x: x.sub_(0.5, alpha=2)), ('mul_', lambda x: x.mul_(3)),
           ('div_', lambda x: x.div_(4)), ('pow_', lambda x: x.pow_(2)), ('iadd', lambda x: x.__iadd__(1)),
           ('isub', lambda x: x.__isub__(1)), ('imul', lambda x: x.__imul__(2)), ('idiv', lambda x: x.__itruediv__(2)),
           ('exp_', lambda x: x.exp_()), ('clamp_', lambda x: x.clamp_(0.6, 1.4)), ('sigmoid_', lambda x: x.sigmoid_()),
           ('neg_', lambda x: x.neg_()), ('sqrt_', lambda x: x.sqrt_()), ('fill_', lambda x: x.fill_(3.)),
           ('zero_', lambda x: x.zero_()), ('copy_', lambda x: x.copy_(x * 0 + 2)), ('tanh_', lambda x: x.tanh_()),
           ('relu_', lambda x: x.relu_()), ('lerp_', lambda x: x.lerp_(x * 0 + 5, 0.25))]

@pytest.mark.parametrize('name,fn', inplace)
def test_inplace_values_and_gradients(name, fn):
    "Applied to a non-leaf (x * 1), in-place ops change it and gradients flow through, as in torch"
    def apply(x):
        y = x * 1
        out = fn(y)
        assert out is y
        return y * 2
    check_against_torch(apply, positive(0, (3, 4)))


def test_inplace_on_leaf_that_requires_grad():
    for lib in (maxine, torch):
        w = lib.tensor([1., 2.], requires_grad=True)
        with pytest.raises(RuntimeError, match='leaf Variable that requires grad'): w.add_(1)
        with pytest.raises(RuntimeError, match='leaf Variable that requires grad'): w += 1
        with lib.no_grad():
            same = w
            w -= 0.5
            w.mul_(2)
        assert w is same and w.tolist() == [1., 3.]


def test_manual_sgd_updates_the_parameter():
    "The tutorial loop `param -= lr * param.grad` inside no_grad() must train the model"
    maxine.manual_seed(0)
    x = maxine.linspace(-1, 1, 50).reshape(-1, 1)
    y = 3 * x + 1
    w, b = maxine.zeros(1, 1, requires_grad=True), maxine.zeros(1, requires_grad=True)
    for _ in range(300):
        loss = ((x @ w + b - y) ** 2).mean()
        loss.backward()
        with maxine.no_grad():
            for p in (w, b):
                p -= 0.1 * p.grad
                p.grad.zero_()
    assert abs(w.item() - 3) < 1e-3 and abs(b.item() - 1) < 1e-3


def test_saved_tensor_changed_in_place_is_an_error_as_in_torch():
    for lib in (maxine, torch):
        x = lib.tensor([1., 2.], requires_grad=True)
        y = x * 1
        z = y * y
        y.add_(1)
        with pytest.raises(RuntimeError, match='modified by an inplace operation'): z.sum().backward()
        e = x.exp()
        e.mul_(2)                          # exp saved its output, which changed
        with pytest.raises(RuntimeError, match='modified by an inplace operation'): e.sum().backward()


def test_views_share_the_version_counter():
    x = maxine.tensor([[1., 2.], [3., 4.]], requires_grad=True)
    y = x * 1
    row = y[0]
    assert row._version_counter is y._version_counter and y.view(4)._version_counter is y._version_counter
    z = (y * y).sum()
    with maxine.no_grad(): row.mul_(2)
    assert y.tolist() == [[2., 4.], [3., 4.]]
    with pytest.raises(RuntimeError, match='modified by an inplace operation'): z.backward()
    # torch can record an in-place change of a view of a tensor that requires grad; maxine says it can't
    with pytest.raises(RuntimeError, match="can't record an in-place change of a view"): (x * 1)[0].mul_(2)


def test_inplace_dtype_and_shape_rules():
    x = tensor([1, 2, 3])
    with pytest.raises(RuntimeError, match="can't be cast"): x.add_(0.5)
    with pytest.raises(RuntimeError, match='broadcast shape'): tensor([1., 2.]).add_(tensor([[1., 2.], [3., 4.]]))
    x.mul_(2); assert x.tolist() == [2, 4, 6]
    t = torch.tensor([1, 2, 3]); t.mul_(2)
    assert x.tolist() == t.tolist()


def test_inplace_on_constant_with_grad_operand():
    w = tensor([2.], requires_grad=True)
    out = maxine.zeros(3)
    out += w * 3
    out.sum().backward()
    assert w.grad.tolist() == [9.]


def test_clone_copy_fill():
    check_against_torch(lambda x: x.clone() * 2, randn(0, (2, 3)))
    check_against_torch(lambda x, s: (x * 1).copy_(s) * 3, randn(0, (2, 3)), randn(1, (3,)))
    check_against_torch(lambda x: (x * 1).fill_(2.) + x, randn(0, (2, 3)))
