"The smaller names PyTorch programs use, each beside PyTorch: comparisons, dtype rules, *_like factories, item assignment."
import numpy as np
import pytest
import torch

import maxine
from helpers import check_against_torch


@pytest.mark.parametrize('name', ['eq', 'ne', 'lt', 'le', 'gt', 'ge'])
def test_comparisons_as_functions_methods_and_operators(name):
    a, b = np.array([[1., 2., 3.], [3., 2., 1.]]), np.array([2., 2., 2.])
    ours, theirs = getattr(maxine, name)(maxine.tensor(a), maxine.tensor(b)), getattr(torch, name)(torch.tensor(a), torch.tensor(b))
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    assert ours.dtype == np.bool_
    np.testing.assert_array_equal(getattr(maxine.tensor(a), name)(2.).numpy(), getattr(torch.tensor(a), name)(2.).numpy())


def test_bitwise_not_and_logical_ops():
    x = np.array([0, 1, 5, -3], np.int64)
    np.testing.assert_array_equal(maxine.bitwise_not(maxine.tensor(x)).numpy(), torch.bitwise_not(torch.tensor(x)).numpy())
    m = np.array([True, False, True])
    np.testing.assert_array_equal((~maxine.tensor(m)).numpy(), (~torch.tensor(m)).numpy())


def test_broadcast_to_with_gradient():
    check_against_torch(lambda t: maxine.broadcast_to(t, (4, 2, 3)), np.random.default_rng(0).standard_normal((2, 1)),
                        torch_fn=lambda t: torch.broadcast_to(t, (4, 2, 3)))


@pytest.mark.parametrize('dtype', ['float32', 'float64', 'int64', 'int16', 'bool'])
def test_like_factories_keep_shape_and_dtype(dtype):
    a = np.zeros((2, 3), dtype)
    for name in ['ones_like', 'zeros_like', 'empty_like']:
        ours, theirs = getattr(maxine, name)(maxine.tensor(a)), getattr(torch, name)(torch.tensor(a))
        assert ours.shape == tuple(theirs.shape) and str(ours.dtype) == str(theirs.dtype).removeprefix('torch.')
    if dtype != 'bool':
        r = maxine.randint_like(maxine.tensor(a), 3, 7)
        assert r.shape == (2, 3) and str(r.dtype) == dtype and ((r.numpy() >= 3) & (r.numpy() < 7)).all()


def test_short_and_dtype_aliases():
    t = maxine.tensor([1.7, -2.2])
    assert t.short().dtype == np.int16 and t.short().tolist() == torch.tensor([1.7, -2.2]).short().tolist()
    for name in ['float', 'double', 'half', 'long', 'int', 'short', 'bool', 'uint8']:
        assert str(np.dtype(getattr(maxine, name))) == str(getattr(torch, name)).removeprefix('torch.')


pairs = [('int64', 'float32'), ('int32', 'int64'), ('uint8', 'int8'), ('bool', 'int16'), ('float16', 'float64'), ('bool', 'bool')]

@pytest.mark.parametrize('a,b', pairs)
def test_promote_types_and_result_type_like_torch(a, b):
    assert str(np.dtype(maxine.promote_types(np.dtype(a), np.dtype(b)))) == str(torch.promote_types(getattr(torch, a), getattr(torch, b))).removeprefix('torch.')
    x, y = np.zeros(2, a), np.zeros(2, b)
    assert str(maxine.result_type(maxine.tensor(x), maxine.tensor(y))) == str(torch.result_type(torch.tensor(x), torch.tensor(y))).removeprefix('torch.')
    for scalar in (2, 2.5, True):
        ours = maxine.result_type(maxine.tensor(x), scalar)
        assert str(ours) == str(torch.result_type(torch.tensor(x), scalar)).removeprefix('torch.'), scalar


def test_setitem_value_and_gradient_like_torch():
    def assign(t, v):
        t = t * 1.0
        t[1:, ::2] = v * 3
        t[0, 1] = 7.0
        return t
    check_against_torch(assign, np.random.default_rng(0).standard_normal((3, 4)), np.random.default_rng(1).standard_normal((2, 2)))
    assert maxine.Tensor.__setitem__ is not object.__setattr__


def test_set_detect_anomaly_names_the_op():
    maxine.autograd.set_detect_anomaly(True)
    try:
        x = maxine.tensor([0.0, 1.0], requires_grad=True)
        with pytest.raises(RuntimeError, match='SqrtBackward0'): x.sqrt().sum().backward()
        assert maxine.autograd.is_anomaly_enabled()
    finally: maxine.autograd.set_detect_anomaly(False)
    assert not maxine.autograd.is_anomaly_enabled()
