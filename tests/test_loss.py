"maxine.nn.functional's losses beside torch.nn.functional: values and gradients in float64, every option, stability and errors."
import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from hypothesis import given, strategies as st

import maxine
from maxine import tensor, nn
import maxine.nn.functional as F
from helpers import check_against_torch

seeds = st.integers(0, 2**32 - 1)
reductions = ['mean', 'sum', 'none']


def randn(seed, shape): return np.random.default_rng(seed).standard_normal(shape)
def rng(seed): return np.random.default_rng(seed)


@pytest.mark.parametrize('name', ['mse_loss', 'l1_loss'])
@pytest.mark.parametrize('reduction', reductions)
@given(st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple), seeds)
def test_regression_losses(name, reduction, shape, seed):
    target = randn(seed + 1, shape)
    check_against_torch(lambda x: getattr(F, name)(x, tensor(target), reduction=reduction), randn(seed, shape),
                        torch_fn=lambda x: getattr(TF, name)(x, torch.tensor(target), reduction=reduction))


@pytest.mark.parametrize('reduction', reductions)
@pytest.mark.parametrize('weighted', [False, True])
@given(st.integers(1, 6), st.integers(1, 3), seeds)
def test_binary_cross_entropy(reduction, weighted, n, k, seed):
    target = rng(seed).random((n, k))                          # soft targets in [0, 1]
    weight = rng(seed + 2).random((n, k)) if weighted else None
    probs = rng(seed + 1).uniform(0.02, 0.98, (n, k))
    check_against_torch(lambda p: F.binary_cross_entropy(p, tensor(target), None if weight is None else tensor(weight), reduction=reduction), probs,
                        torch_fn=lambda p: TF.binary_cross_entropy(p, torch.tensor(target), None if weight is None else torch.tensor(weight), reduction=reduction))


@pytest.mark.parametrize('reduction', reductions)
@pytest.mark.parametrize('weighted', [False, True])
@pytest.mark.parametrize('with_pos_weight', [False, True])
@given(st.integers(1, 6), st.integers(1, 3), seeds)
def test_binary_cross_entropy_with_logits(reduction, weighted, with_pos_weight, n, k, seed):
    target = (rng(seed).random((n, k)) > 0.5).astype(np.float64)
    weight = rng(seed + 2).random((n, k)) if weighted else None
    pos_weight = rng(seed + 3).uniform(0.5, 3, k) if with_pos_weight else None
    logits = 4 * randn(seed + 1, (n, k))
    as_m = lambda a: None if a is None else tensor(a)
    as_t = lambda a: None if a is None else torch.tensor(a)
    check_against_torch(lambda x: F.binary_cross_entropy_with_logits(x, tensor(target), as_m(weight), reduction=reduction, pos_weight=as_m(pos_weight)), logits,
                        torch_fn=lambda x: TF.binary_cross_entropy_with_logits(x, torch.tensor(target), as_t(weight), reduction=reduction, pos_weight=as_t(pos_weight)))


def test_bce_with_logits_extremes_and_zero():
    x, t = np.array([-1e4, -30., 0., 30., 1e4]), np.array([1., 0., 1., 0., 1.])
    check_against_torch(lambda l: F.binary_cross_entropy_with_logits(l, tensor(t), reduction='none'), x,
                        torch_fn=lambda l: TF.binary_cross_entropy_with_logits(l, torch.tensor(t), reduction='none'))


def test_bce_clamps_log_like_torch():
    p, t = np.array([0., 1., 0.5]), np.array([1., 0., 1.])
    out = F.binary_cross_entropy(tensor(p), tensor(t), reduction='none')
    np.testing.assert_allclose(out.detach().numpy(), TF.binary_cross_entropy(torch.tensor(p), torch.tensor(t), reduction='none').numpy())


@st.composite
def classification(draw, min_n=1):
    n, c = draw(st.integers(min_n, 8)), draw(st.integers(1, 6))
    seed = draw(seeds)
    return n, c, seed, rng(seed).integers(0, c, n)


@pytest.mark.parametrize('reduction', reductions)
@pytest.mark.parametrize('weighted', [False, True])
@pytest.mark.parametrize('smoothing', [0.0, 0.2])
@pytest.mark.parametrize('ignore', [False, True])
@given(classification())
def test_cross_entropy(reduction, weighted, smoothing, ignore, case):
    n, c, seed, target = case
    if ignore: target = np.where(rng(seed + 5).random(n) < 0.3, -100, target)
    if ignore and reduction == 'mean' and (target == -100).all(): target[0] = 0
    weight = rng(seed + 2).uniform(0.2, 2, c) if weighted else None
    as_m = lambda a: None if a is None else tensor(a)
    as_t = lambda a: None if a is None else torch.tensor(a)
    check_against_torch(lambda x: F.cross_entropy(x, tensor(target), as_m(weight), ignore_index=-100, reduction=reduction, label_smoothing=smoothing), 3 * randn(seed, (n, c)),
                        torch_fn=lambda x: TF.cross_entropy(x, torch.tensor(target), as_t(weight), ignore_index=-100, reduction=reduction, label_smoothing=smoothing))


@pytest.mark.parametrize('reduction', reductions)
@pytest.mark.parametrize('weighted', [False, True])
@pytest.mark.parametrize('ignore', [False, True])
@given(classification())
def test_nll_loss(reduction, weighted, ignore, case):
    n, c, seed, target = case
    if ignore: target = np.where(rng(seed + 5).random(n) < 0.3, 1, target)   # ignore class 1
    if ignore and reduction == 'mean' and (target == 1).all(): return
    weight = rng(seed + 2).uniform(0.2, 2, c) if weighted else None
    as_m = lambda a: None if a is None else tensor(a)
    as_t = lambda a: None if a is None else torch.tensor(a)
    ignore_index = 1 if ignore else -100
    check_against_torch(lambda x: F.nll_loss(x.log_softmax(-1), tensor(target), as_m(weight), ignore_index=ignore_index, reduction=reduction), randn(seed, (n, c)),
                        torch_fn=lambda x: TF.nll_loss(x.log_softmax(-1), torch.tensor(target), as_t(weight), ignore_index=ignore_index, reduction=reduction))


@pytest.mark.parametrize('reduction', reductions)
@pytest.mark.parametrize('smoothing', [0.0, 0.1])
def test_cross_entropy_probability_targets(reduction, smoothing):
    probs = rng(0).random((5, 4)); probs /= probs.sum(1, keepdims=True)
    weight = rng(1).uniform(0.5, 2, 4)
    check_against_torch(lambda x: F.cross_entropy(x, tensor(probs), tensor(weight), reduction=reduction, label_smoothing=smoothing), randn(2, (5, 4)),
                        torch_fn=lambda x: TF.cross_entropy(x, torch.tensor(probs), torch.tensor(weight), reduction=reduction, label_smoothing=smoothing))


@pytest.mark.parametrize('reduction', reductions)
def test_cross_entropy_spatial_and_unbatched(reduction):
    target = rng(0).integers(0, 3, (2, 4, 5))
    check_against_torch(lambda x: F.cross_entropy(x, tensor(target), reduction=reduction), randn(1, (2, 3, 4, 5)),
                        torch_fn=lambda x: TF.cross_entropy(x, torch.tensor(target), reduction=reduction))
    check_against_torch(lambda x: F.nll_loss(x, tensor(target), reduction=reduction), randn(1, (2, 3, 4, 5)),
                        torch_fn=lambda x: TF.nll_loss(x, torch.tensor(target), reduction=reduction))
    check_against_torch(lambda x: F.cross_entropy(x, tensor(2), reduction=reduction), randn(2, (4,)),
                        torch_fn=lambda x: TF.cross_entropy(x, torch.tensor(2), reduction=reduction))


def test_cross_entropy_stable_at_large_logits():
    x = np.array([[1e4, 0., -1e4], [-1e4, 1e4, 0.], [0., 0., 0.]])
    target = np.array([2, 1, 0])
    check_against_torch(lambda l: F.cross_entropy(l, tensor(target)), x,
                        torch_fn=lambda l: TF.cross_entropy(l, torch.tensor(target)), atol=1e-8)
    with np.errstate(over='raise', invalid='raise', divide='raise'):
        F.cross_entropy(tensor(x, requires_grad=True), tensor(target)).backward()


@pytest.mark.parametrize('dtype', [np.int8, np.uint8, np.int16, np.int32, np.int64])
def test_cross_entropy_any_integer_target_dtype(dtype):
    x, target = randn(0, (4, 3)), np.array([0, 2, 1, 2])
    expected = TF.cross_entropy(torch.tensor(x), torch.tensor(target)).item()
    assert F.cross_entropy(tensor(x), tensor(target.astype(dtype))).item() == pytest.approx(expected)
    assert F.cross_entropy(tensor(x), target.astype(dtype)).item() == pytest.approx(expected)
    assert F.cross_entropy(tensor(x), torch.tensor(target)).item() == pytest.approx(expected)


def test_cross_entropy_is_one_fused_node():
    logits = tensor(randn(0, (4, 3)), requires_grad=True)
    loss = F.cross_entropy(logits, tensor([0, 1, 2, 0]))
    assert loss.grad_fn.name() == 'CrossEntropyBackward0'
    (accumulate, _), *others = loss.grad_fn.next_functions
    assert accumulate.variable is logits and all(node is None for node, _ in others)


def test_cross_entropy_keeps_float32():
    logits = tensor(randn(0, (4, 3)).astype(np.float32), requires_grad=True)
    loss = F.cross_entropy(logits, tensor([0, 1, 2, 0]), label_smoothing=0.1)
    loss.backward()
    assert loss.dtype == np.float32 and logits.grad.dtype == np.float32


def test_loss_errors():
    x = tensor(randn(0, (3, 4)))
    with pytest.raises(IndexError, match='target 7 is out of range for 4 classes'): F.cross_entropy(x, tensor([0, 7, 1]))
    with pytest.raises(IndexError, match='target -1 is out of range for 4 classes'): F.nll_loss(x, tensor([0, -1, 1]))
    with pytest.raises(TypeError, match=r'\(an integer dtype\), got float32'): F.cross_entropy(x, tensor([0., 1., 2.]))
    with pytest.raises(ValueError, match=r'target of shape \(3,\) for 3 examples, got \(2,\)'): F.cross_entropy(x, tensor([0, 1]))
    with pytest.raises(ValueError, match="got 'avg'"): F.cross_entropy(x, tensor([0, 1, 2]), reduction='avg')
    with pytest.raises(ValueError, match=r'weight must have shape \(4,\)'): F.cross_entropy(x, tensor([0, 1, 2]), weight=tensor([1., 2.]))
    with pytest.warns(UserWarning, match=r'target size \(3,\) that is different to the input size \(3, 1\)'):
        assert F.mse_loss(tensor(np.zeros((3, 1))), tensor(np.zeros(3))).shape == ()
    with pytest.raises(ValueError, match=r'target size \(3,\) that is different'): F.binary_cross_entropy(tensor(np.full((3, 1), 0.5)), tensor(np.zeros(3)))
    with pytest.raises(RuntimeError, match='probabilities'): F.binary_cross_entropy(tensor([1.5]), tensor([1.]))


def test_module_forms():
    x, t = tensor(randn(0, (4, 3))), tensor([0, 2, 1, 1])
    assert nn.CrossEntropyLoss(label_smoothing=0.1)(x, t).item() == pytest.approx(F.cross_entropy(x, t, label_smoothing=0.1).item())
    y = tensor(randn(1, (4, 3)))
    assert nn.L1Loss()(x, y).item() == pytest.approx(np.abs(x.detach().numpy() - y.detach().numpy()).mean())
    assert nn.MSELoss(reduction='sum')(x, y).item() == pytest.approx(((x.detach().numpy() - y.detach().numpy()) ** 2).sum(), rel=1e-6)
    p = tensor(np.full((2,), 0.25)); tgt = tensor([1., 0.], dtype=np.float64)
    assert nn.BCELoss()(p, tgt).item() == pytest.approx(TF.binary_cross_entropy(torch.tensor(p.detach().numpy()), torch.tensor(tgt.detach().numpy())).item())
    assert nn.NLLLoss()(x.log_softmax(-1), t).item() == pytest.approx(nn.CrossEntropyLoss()(x, t).item(), rel=1e-6)
    assert nn.BCEWithLogitsLoss()(x.float(), tensor((randn(2, (4, 3)) > 0).astype(np.float32))).dtype == np.float32
    for old_name in ('MAE', 'MSE', 'CrossEntropy', 'BinaryCrossEntropy'): assert not hasattr(nn, old_name)


LEGACY = [(None, None), (True, None), (False, None), (None, False), (True, False), (False, True)]

@pytest.mark.parametrize('size_average,reduce', LEGACY)
def test_deprecated_size_average_and_reduce_act_as_in_torch(size_average, reduce):
    p, t = np.array([[0.2, 0.9], [0.6, 0.4]]), np.array([[0., 1.], [1., 1.]])
    logits, ids = randn(1, (2, 3)), np.array([2, 0])
    cases = [('mse_loss', (p, t)), ('l1_loss', (p, t)), ('smooth_l1_loss', (p, t)), ('binary_cross_entropy', (p, t)),
             ('binary_cross_entropy_with_logits', (p, t)), ('cross_entropy', (logits, ids)), ('kl_div', (p, t))]
    for name, (a, b) in cases:
        ours = getattr(F, name)(tensor(a), tensor(b), size_average=size_average, reduce=reduce)
        theirs = getattr(TF, name)(torch.tensor(a), torch.tensor(b), size_average=size_average, reduce=reduce)
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12, err_msg=name)
    module_ours = nn.BCELoss(size_average=size_average, reduce=reduce)(tensor(p), tensor(t))
    module_theirs = torch.nn.BCELoss(size_average=size_average, reduce=reduce)(torch.tensor(p), torch.tensor(t))
    np.testing.assert_allclose(module_ours.numpy(), module_theirs.numpy(), rtol=1e-12)


def test_bce_saturated_predictions_as_in_torch():
    "PyTorch clamps each log at -100 and the gradient's denominator at 1e-12: no NaN where a prediction is 0 or 1"
    p, t = np.array([0., 1., 1e-30, 0.5]), np.array([1., 0., 1., 1.])
    check_against_torch(lambda x: F.binary_cross_entropy(x, tensor(t), reduction='none'), p,
                        torch_fn=lambda x: TF.binary_cross_entropy(x, torch.tensor(t), reduction='none'), rtol=1e-8)
    check_against_torch(lambda x: F.binary_cross_entropy(x, tensor(t), weight=tensor([1., 2., 3., 4.])), p,
                        torch_fn=lambda x: TF.binary_cross_entropy(x, torch.tensor(t), weight=torch.tensor([1., 2., 3., 4.])), rtol=1e-8)
