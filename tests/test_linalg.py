"Matrix products, einsum and norms beside PyTorch: values and gradients in float64, vectors, batches and errors."
import math
import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

import maxine
from maxine import tensor
from helpers import check_against_torch

seeds = st.integers(0, 2**32 - 1)


def randn(seed, shape): return np.random.default_rng(seed).standard_normal(shape)
def lib(t): return maxine if isinstance(t, maxine.Tensor) else torch


@given(st.integers(0, 5), st.integers(0, 5), st.integers(0, 5), seeds)
def test_matmul_2d(m, k, n, seed):
    check_against_torch(lambda a, b: a @ b, randn(seed, (m, k)), randn(seed + 1, (k, n)))
    check_against_torch(lambda a, b: a.mm(b), randn(seed, (m, k)), randn(seed + 1, (k, n)))


@pytest.mark.parametrize('sa,sb', [((3,), (3,)), ((3,), (3, 4)), ((2, 3), (3,)), ((5, 2, 3), (3, 4)),
                                   ((2, 3), (5, 3, 4)), ((3,), (5, 3, 4)), ((5, 2, 3), (3,)),
                                   ((1, 2, 3), (4, 3, 2)), ((6, 1, 2, 3), (5, 3, 2)), ((1, 1), (1, 1)), ((0,), (0,))])
def test_matmul_vectors_and_batches(sa, sb):
    check_against_torch(lambda a, b: a @ b, randn(0, sa), randn(1, sb))
    check_against_torch(lambda a, b: lib(a).matmul(a, b), randn(0, sa), randn(1, sb))


def test_other_products():
    check_against_torch(lambda a, b: a.bmm(b), randn(0, (4, 2, 3)), randn(1, (4, 3, 5)))
    check_against_torch(lambda a, v: a.mv(v), randn(0, (2, 3)), randn(1, (3,)))
    check_against_torch(lambda a, b: a.dot(b), randn(0, (3,)), randn(1, (3,)))
    check_against_torch(lambda a, b: a.outer(b), randn(0, (3,)), randn(1, (4,)))
    check_against_torch(lambda a, b: lib(a).inner(a, b), randn(0, (3,)), randn(1, (3,)))


def test_matmul_with_numpy_reflected_and_dtypes():
    w = np.arange(6.).reshape(3, 2)
    check_against_torch(lambda x: x @ w, randn(0, (4, 3)), torch_fn=lambda x: x @ torch.tensor(w))
    check_against_torch(lambda x: w.T @ x, randn(0, (3, 2)), torch_fn=lambda x: torch.tensor(w.T) @ x)
    for L in (maxine, torch):
        with pytest.raises(RuntimeError, match='same dtype'): L.ones(2, 2) @ L.ones(2, 2, dtype=L.float64)
    assert (tensor([[1, 2]]) @ tensor([[3], [4]])).tolist() == [[11]]


einsum_cases = [('ij,jk->ik', [(2, 3), (3, 4)]), ('bij,bjk->bik', [(2, 2, 3), (2, 3, 4)]), ('i,i->', [(3,), (3,)]),
                ('i,j->ij', [(3,), (4,)]), ('ij->ji', [(2, 3)]), ('ij->', [(2, 3)]), ('ij->j', [(2, 3)]),
                ('ii->i', [(3, 3)]), ('ii', [(3, 3)]), ('...ij,...jk->...ik', [(5, 2, 3), (5, 3, 4)]),
                ('bhqd,bhkd->bhqk', [(2, 2, 3, 4), (2, 2, 5, 4)]), ('ij,ij->ij', [(2, 3), (2, 3)]),
                ('ijk,k', [(2, 3, 4), (4,)]), ('i,jk->ijk', [(2,), (3, 4)])]

@pytest.mark.parametrize('equation,shapes', einsum_cases)
def test_einsum(equation, shapes):
    arrays = [randn(i, s) for i, s in enumerate(shapes)]
    grad = 'ii' not in equation.split('->')[0].split(',')[0] or equation.startswith('...')
    check_against_torch(lambda *ts: lib(ts[0]).einsum(equation, *ts), *arrays, grad=grad)
    if not grad:
        with pytest.raises(NotImplementedError, match='repeated letter'):
            maxine.einsum(equation, maxine.tensor(arrays[0], requires_grad=True)).sum().backward()


@pytest.mark.parametrize('ord', [2, 1, 3, 0.5, math.inf, -math.inf, 0])
@given(st.integers(1, 4), st.integers(1, 4), seeds)
def test_vector_norm(ord, m, n, seed):
    x = randn(seed, (m, n))
    check_against_torch(lambda t: lib(t).linalg.vector_norm(t, ord), x)
    check_against_torch(lambda t: lib(t).linalg.vector_norm(t, ord, dim=1, keepdim=True), x)
    check_against_torch(lambda t: lib(t).linalg.vector_norm(t, ord, dim=(0, 1)), x)


def test_norm_at_zero_and_torch_norm():
    check_against_torch(lambda t: lib(t).linalg.vector_norm(t, dim=1), np.array([[0., 0.], [3., 4.]]))
    check_against_torch(lambda t: t.norm(), randn(0, (3, 4)))
    check_against_torch(lambda t: t.norm(1, dim=0), randn(0, (3, 4)))
    check_against_torch(lambda t: t.norm(dim=1, keepdim=True), randn(0, (3, 4)))
    check_against_torch(lambda t: lib(t).norm(t, p='fro'), randn(0, (3, 4)))


@pytest.mark.parametrize('ord', ['fro', 'nuc', 1, -1, 2, -2, math.inf, -math.inf])
def test_matrix_norm(ord):
    check_against_torch(lambda t: lib(t).linalg.matrix_norm(t, ord), randn(0, (3, 4)), rtol=1e-6)
    check_against_torch(lambda t: lib(t).linalg.matrix_norm(t, ord, keepdim=True), randn(1, (2, 3, 3)), rtol=1e-6)


def test_linalg_errors():
    with pytest.raises(RuntimeError, match="don't line up: 784 != 10"): tensor(np.zeros((64, 784))) @ tensor(np.zeros((10, 784)))
    with pytest.raises(ValueError, match="don't line up"): tensor(np.zeros((2, 3))) @ tensor(np.zeros((2, 3)))
    with pytest.raises(RuntimeError, match='at least 1D'): tensor(2.) @ tensor([1.])
    with pytest.raises(RuntimeError, match='batch dimensions'): tensor(np.zeros((2, 2, 3))) @ tensor(np.zeros((3, 3, 4)))
    with pytest.raises(RuntimeError, match='mm: expected'): tensor([1., 2.]).mm(tensor(np.zeros((2, 2))))
    with pytest.raises(RuntimeError, match='floating point'): maxine.linalg.vector_norm(tensor([1, 2]))
    with pytest.raises(RuntimeError, match='not supported'): maxine.linalg.matrix_norm(tensor(np.eye(2)), 3)
