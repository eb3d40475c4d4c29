"maxine.nn.conv beside torch: convolution, pooling and normalisation, values and gradients in float64."
import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from hypothesis import given, assume, strategies as st

import maxine
from maxine import nn, tensor
import maxine.nn.functional as F
from helpers import check_against_torch

seeds = st.integers(0, 2**32 - 1)


def randn(seed, shape): return np.random.default_rng(seed).standard_normal(shape)


@st.composite
def conv_case(draw):
    groups = draw(st.sampled_from([1, 1, 2, 3]))
    c_in, c_out = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    padding = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    h, w = draw(st.integers(1, 7)), draw(st.integers(1, 7))
    assume(h + 2 * padding[0] >= (kh - 1) * dilation[0] + 1 and w + 2 * padding[1] >= (kw - 1) * dilation[1] + 1)
    return dict(n=draw(st.integers(1, 3)), c_in=c_in, c_out=c_out, kernel=(kh, kw), stride=stride, padding=padding,
                dilation=dilation, groups=groups, h=h, w=w, bias=draw(st.booleans()), seed=draw(seeds))


@given(conv_case())
def test_conv2d_matches_torch(case):
    c = case
    x = randn(c['seed'], (c['n'], c['c_in'], c['h'], c['w']))
    weight = randn(c['seed'] + 1, (c['c_out'], c['c_in'] // c['groups']) + c['kernel'])
    arrays = [x, weight] + ([randn(c['seed'] + 2, c['c_out'])] if c['bias'] else [])
    kwargs = dict(stride=c['stride'], padding=c['padding'], dilation=c['dilation'], groups=c['groups'])
    check_against_torch(lambda *a: F.conv2d(a[0], a[1], a[2] if len(a) > 2 else None, **kwargs), *arrays,
                        torch_fn=lambda *a: TF.conv2d(a[0], a[1], a[2] if len(a) > 2 else None, **kwargs))


def test_conv2d_module_matches_torch_and_inits_like_it():
    maxine.manual_seed(0)
    ours = nn.Conv2d(4, 6, (3, 2), stride=2, padding=1, groups=2, dtype=np.float64)
    theirs = torch.nn.Conv2d(4, 6, (3, 2), stride=2, padding=1, groups=2).double()
    with torch.no_grad(): theirs.weight.copy_(torch.tensor(ours.weight.detach().numpy())); theirs.bias.copy_(torch.tensor(ours.bias.detach().numpy()))
    check_against_torch(ours, randn(0, (2, 4, 7, 6)), torch_fn=theirs)
    bound = 1 / np.sqrt(2 * 3 * 2)
    assert ours.weight.shape == (6, 2, 3, 2) and np.abs(ours.weight.detach().numpy()).max() <= bound
    assert np.abs(ours.weight.detach().numpy()).max() > 0.8 * bound
    with pytest.raises(ValueError, match='divisible by groups'): nn.Conv2d(3, 4, 3, groups=2)


@st.composite
def pool_case(draw):
    k = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    padding = (draw(st.integers(0, k[0] // 2)), draw(st.integers(0, k[1] // 2)))
    h, w = draw(st.integers(k[0], 8)), draw(st.integers(k[1], 8))
    return dict(k=k, stride=stride, padding=padding, shape=(draw(st.integers(1, 2)), draw(st.integers(1, 3)), h, w), seed=draw(seeds))


@given(pool_case())
def test_max_pool2d_matches_torch(case):
    kw = dict(kernel_size=case['k'], stride=case['stride'], padding=case['padding'])
    check_against_torch(lambda x: F.max_pool2d(x, **kw), randn(case['seed'], case['shape']), torch_fn=lambda x: TF.max_pool2d(x, **kw))


def test_max_pool2d_dilation_and_module():
    check_against_torch(lambda x: F.max_pool2d(x, 2, 1, 0, 2), randn(0, (1, 2, 6, 6)), torch_fn=lambda x: TF.max_pool2d(x, 2, 1, 0, 2))
    check_against_torch(nn.MaxPool2d(2), randn(1, (2, 3, 6, 5)), torch_fn=torch.nn.MaxPool2d(2))


@given(pool_case())
def test_avg_pool2d_matches_torch(case):
    kw = dict(kernel_size=case['k'], stride=case['stride'], padding=case['padding'])
    check_against_torch(lambda x: F.avg_pool2d(x, **kw), randn(case['seed'], case['shape']), torch_fn=lambda x: TF.avg_pool2d(x, **kw))


@pytest.mark.parametrize('size,out', [((7, 7), 1), ((7, 5), (3, 2)), ((6, 6), 3), ((5, 9), (5, 4))])
def test_adaptive_avg_pool2d_matches_torch(size, out):
    check_against_torch(nn.AdaptiveAvgPool2d(out), randn(0, (2, 3) + size), torch_fn=torch.nn.AdaptiveAvgPool2d(out))


@pytest.mark.parametrize('cls,torch_cls,shape', [(nn.BatchNorm1d, torch.nn.BatchNorm1d, (6, 4)),
                                                 (nn.BatchNorm1d, torch.nn.BatchNorm1d, (5, 4, 3)),
                                                 (nn.BatchNorm2d, torch.nn.BatchNorm2d, (4, 4, 3, 5))])
@pytest.mark.parametrize('momentum', [0.1, 0.5, None])
def test_batch_norm_train_eval_and_running_stats(cls, torch_cls, shape, momentum):
    ours, theirs = cls(4, momentum=momentum), torch_cls(4, momentum=momentum).double()
    for k in ('weight', 'bias'):
        value = randn(hash(k) % 100, 4)
        getattr(ours, k).data = tensor(value.copy())
        with torch.no_grad(): getattr(theirs, k).copy_(torch.tensor(value))
    ours.running_mean.data = ours.running_mean.double(); ours.running_var.data = ours.running_var.double()
    for step in range(3):                                  # training: batch statistics, gradients, running statistics
        check_against_torch(ours, 2 * randn(step, shape) + 3, torch_fn=theirs)
        np.testing.assert_allclose(ours.running_mean.detach().numpy(), theirs.running_mean.numpy(), rtol=1e-10)
        np.testing.assert_allclose(ours.running_var.detach().numpy(), theirs.running_var.numpy(), rtol=1e-10)
    assert ours.num_batches_tracked.item() == theirs.num_batches_tracked.item() == 3
    ours.eval(); theirs.eval()
    check_against_torch(ours, randn(9, shape), torch_fn=theirs)


def test_batch_norm_errors_and_state():
    bn = nn.BatchNorm2d(3)
    with pytest.raises(ValueError, match=r'input has 2 channels'): bn(tensor(np.zeros((2, 2, 4, 4), np.float32)))
    with pytest.raises(ValueError, match=r'\(N, C, H, W\)'): bn(tensor(np.zeros((2, 3), np.float32)))
    with pytest.raises(ValueError, match='more than one value per channel'): nn.BatchNorm1d(3)(tensor(np.zeros((1, 3), np.float32)))
    assert list(bn.state_dict()) == ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']
    other = nn.BatchNorm2d(3)
    bn.running_mean.data[:] = 5
    other.load_state_dict(bn.state_dict())
    assert (other.running_mean.detach().numpy() == 5).all()


@pytest.mark.parametrize('shape,normalized', [((4, 5), 5), ((2, 3, 4), (3, 4)), ((2, 3, 4), [4])])
def test_layer_norm_matches_torch(shape, normalized):
    ours, theirs = nn.LayerNorm(normalized), torch.nn.LayerNorm(normalized).double()
    value = randn(1, ours.weight.shape)
    ours.weight.data = tensor(value.copy()); ours.bias.data = tensor(value.copy() / 2)
    with torch.no_grad(): theirs.weight.copy_(torch.tensor(value)); theirs.bias.copy_(torch.tensor(value / 2))
    check_against_torch(ours, randn(0, shape), torch_fn=theirs)
    with pytest.raises(ValueError, match='does not end with'): nn.LayerNorm(7)(tensor(np.zeros((2, 3))))


def copy_weights_into(theirs, ours):
    "Give a torch Sequential the weights of the same maxine Sequential (maxine's Linear weight is torch's transposed)"
    with torch.no_grad():
        for t, m in zip(theirs, ours):
            if isinstance(m, nn.Conv2d): t.weight.copy_(torch.tensor(m.weight.detach().numpy())); t.bias.copy_(torch.tensor(m.bias.detach().numpy()))
            if isinstance(m, nn.Linear): t.weight.copy_(torch.tensor(m.w.detach().numpy().T)); t.bias.copy_(torch.tensor(m.b.detach().numpy()))


def test_small_cnn_matches_torch_end_to_end():
    maxine.manual_seed(0)
    ours = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1, dtype=np.float64), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(4, 6, 3, dtype=np.float64), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(6, 3, dtype=np.float64))
    theirs = torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
                                 torch.nn.Conv2d(4, 6, 3), torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(), torch.nn.Linear(6, 3)).double()
    copy_weights_into(theirs, ours)
    x = randn(3, (2, 1, 8, 8))
    out, expected = ours(tensor(x)), theirs(torch.tensor(x))
    np.testing.assert_allclose(out.detach().numpy(), expected.detach().numpy(), rtol=1e-9, atol=1e-12)
    out.sum().backward(); expected.sum().backward()
    np.testing.assert_allclose(ours[0].weight.grad.detach().numpy(), theirs[0].weight.grad.numpy(), rtol=1e-8, atol=1e-12)


def test_conv_keeps_float32():
    layer = nn.Conv2d(2, 3, 3)
    x = tensor(np.ones((1, 2, 5, 5), np.float32), requires_grad=True)
    y = F.max_pool2d(layer(x), 2)
    y.sum().backward()
    assert y.dtype == np.float32 and x.grad.dtype == np.float32 and layer.weight.grad.dtype == np.float32


@pytest.mark.parametrize('shape, kernel, stride', [((2, 3, 6, 4), 2, 2), ((2, 3, 7, 5), 2, 2), ((1, 2, 6, 6), 3, 1)])
def test_max_pool2d_ties_go_to_the_first_maximum(shape, kernel, stride):
    "Windows of equal values (as after a ReLU): the tiled fast path and the general one both pick PyTorch's position"
    x = np.maximum(np.round(randn(0, shape)), 0)
    check_against_torch(lambda t: F.max_pool2d(t, kernel, stride), x, torch_fn=lambda t: TF.max_pool2d(t, kernel, stride))


def test_conv_batchnorm_cnn_matches_torch_in_training():
    "conv2d's channel-major outputs through BatchNorm, ReLU, max pooling and Flatten: values and every gradient"
    maxine.manual_seed(0)
    ours = nn.Sequential(nn.Conv2d(2, 4, 3, padding=1, dtype=np.float64), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(4, 6, 3, padding=1, dtype=np.float64), nn.BatchNorm2d(6), nn.ReLU(), nn.Flatten(),
                         nn.Linear(6 * 4 * 4, 3, dtype=np.float64))
    for m in (ours[1], ours[5]):
        for t in (m.weight, m.bias, m.running_mean, m.running_var): t.data = t.detach().double()
    theirs = torch.nn.Sequential(torch.nn.Conv2d(2, 4, 3, padding=1), torch.nn.BatchNorm2d(4), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
                                 torch.nn.Conv2d(4, 6, 3, padding=1), torch.nn.BatchNorm2d(6), torch.nn.ReLU(), torch.nn.Flatten(),
                                 torch.nn.Linear(6 * 4 * 4, 3)).double()
    copy_weights_into(theirs, ours)
    x = randn(5, (3, 2, 8, 8))
    out, expected = ours(tensor(x)), theirs(torch.tensor(x))
    assert not ours[0](tensor(x)).detach().numpy().flags.c_contiguous      # conv2d's output is a channel-major view
    np.testing.assert_allclose(out.detach().numpy(), expected.detach().numpy(), rtol=1e-9, atol=1e-12)
    (out * tensor(randn(6, (3, 3)))).sum().backward(); (expected * torch.tensor(randn(6, (3, 3)))).sum().backward()
    for i, name in [(0, 'weight'), (0, 'bias'), (1, 'weight'), (1, 'bias'), (4, 'weight'), (5, 'weight'), (5, 'bias')]:
        np.testing.assert_allclose(getattr(ours[i], name).grad.detach().numpy(), getattr(theirs[i], name).grad.numpy(), rtol=1e-8, atol=1e-11)
    np.testing.assert_allclose(ours[5].running_var.detach().numpy(), theirs[5].running_var.numpy(), rtol=1e-9)


@given(st.integers(1, 3), st.integers(1, 3), st.integers(1, 9), st.integers(1, 9), seeds)
def test_max_pool2d_side_by_side_windows_with_ties(kh, kw, h, w, seed):
    "Windows side by side (stride = kernel), sizes that leave rows or columns over, values from {-1, 0, 1}: many ties"
    assume(h >= kh and w >= kw)
    x = np.random.default_rng(seed).integers(-1, 2, (2, 3, h, w)).astype(np.float64)
    check_against_torch(lambda t: F.max_pool2d(t, (kh, kw)), x, torch_fn=lambda t: TF.max_pool2d(t, (kh, kw)))


@pytest.mark.parametrize('stride,padding,output_padding,dilation,groups', [
    (1, 0, 0, 1, 1), (2, 1, 0, 1, 1), (2, 1, 1, 1, 1), (3, 2, 2, 1, 2), (2, 0, 1, 2, 1), (1, 2, 0, 2, 2), ((2, 1), (1, 0), (1, 0), 1, 1)])
def test_conv_transpose2d_matches_torch(stride, padding, output_padding, dilation, groups):
    x, w, b = randn(0, (2, 4, 5, 6)), randn(1, (4, 6 // groups, 3, 2)), randn(2, (6,))
    check_against_torch(lambda x, w, b: F.conv_transpose2d(x, w, b, stride, padding, output_padding, groups, dilation), x, w, b,
                        torch_fn=lambda x, w, b: TF.conv_transpose2d(x, w, b, stride, padding, output_padding, groups, dilation), atol=1e-9)


def test_conv_transpose1d_matches_torch():
    x, w = randn(0, (2, 4, 7)), randn(1, (4, 3, 3))
    check_against_torch(lambda x, w: F.conv_transpose1d(x, w, stride=2, padding=1, output_padding=1), x, w,
                        torch_fn=lambda x, w: TF.conv_transpose1d(x, w, stride=2, padding=1, output_padding=1), atol=1e-9)


def test_conv_transpose_modules_match_torch_and_init_like_it():
    maxine.manual_seed(0)
    ours = nn.ConvTranspose2d(6, 4, 4, stride=2, padding=1, groups=2, dtype=np.float64)
    theirs = torch.nn.ConvTranspose2d(6, 4, 4, stride=2, padding=1, groups=2).double()
    assert tuple(theirs.weight.shape) == ours.weight.shape
    bound = 1 / np.sqrt(2 * 16)
    assert np.abs(ours.weight.detach().numpy()).max() <= bound and np.abs(ours.weight.detach().numpy()).max() > 0.8 * bound
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})
    x = randn(3, (2, 6, 5, 5))
    for size in (None, (11, 11)):
        np.testing.assert_allclose(ours(tensor(x), output_size=size).detach().numpy(),
                                   theirs(torch.tensor(x), output_size=size).detach().numpy(), rtol=1e-10, atol=1e-12)
    with pytest.raises(ValueError, match='zeros'): nn.ConvTranspose2d(2, 2, 3, padding_mode='reflect')
    with pytest.raises(ValueError, match='output_padding'): F.conv_transpose2d(tensor(x), ours.weight, stride=1, output_padding=1)


@pytest.mark.parametrize('mode,align_corners', [('nearest', None), ('nearest-exact', None), ('bilinear', False),
                                                ('bilinear', True), ('area', None)])
@pytest.mark.parametrize('how', [dict(size=(7, 3)), dict(scale_factor=2), dict(scale_factor=(1.5, 0.5)),
                                 dict(scale_factor=1.7, recompute_scale_factor=True)])
def test_interpolate_matches_torch(mode, align_corners, how):
    if mode == 'area' and 'scale_factor' in how and how.get('recompute_scale_factor') is None and how['scale_factor'] != 2:
        pytest.skip("PyTorch's area mode with a non-integer scale uses the computed size either way")
    x = randn(0, (2, 3, 5, 4))
    check_against_torch(lambda x: F.interpolate(x, mode=mode, align_corners=align_corners, **how), x,
                        torch_fn=lambda x: TF.interpolate(x, mode=mode, align_corners=align_corners, **how), atol=1e-9)


@pytest.mark.parametrize('mode', ['nearest', 'linear'])
def test_interpolate_1d_and_upsample_modules_match_torch(mode):
    x = randn(1, (2, 3, 6))
    check_against_torch(lambda x: F.interpolate(x, scale_factor=2.5, mode=mode), x,
                        torch_fn=lambda x: TF.interpolate(x, scale_factor=2.5, mode=mode), atol=1e-9)
    y = randn(2, (1, 2, 3, 3))
    for ours, theirs in ((nn.Upsample(scale_factor=2), torch.nn.Upsample(scale_factor=2)),
                         (nn.UpsamplingBilinear2d(size=(5, 4)), torch.nn.UpsamplingBilinear2d(size=(5, 4))),
                         (nn.UpsamplingNearest2d(scale_factor=3), torch.nn.UpsamplingNearest2d(scale_factor=3))):
        np.testing.assert_allclose(ours(tensor(y)).numpy(), theirs(torch.tensor(y)).numpy(), atol=1e-12)


@given(st.integers(1, 3), st.integers(1, 3), st.integers(3, 9), st.integers(3, 9), st.integers(1, 3), st.integers(1, 3),
       st.integers(0, 1), st.integers(0, 10_000))
def test_pooling_fast_forms_equal_their_readable_forms(n, c, h, w, kernel, stride, padding, seed):
    "max_pool2d and avg_pool2d (tap by tap) against their forms as written (windows and a reduction), values and gradients"
    from maxine.nn.modules.pooling import max_pool2d_as_written, avg_pool2d_as_written
    assume(padding <= kernel // 2 and kernel <= min(h, w) + 2 * padding)
    x = randn(seed, (n, c, h, w))
    g_out = None
    for fast, written in ((F.avg_pool2d, avg_pool2d_as_written), (F.max_pool2d, max_pool2d_as_written)):
        results = []
        for fn in (fast, written):
            t = tensor(x, requires_grad=True)
            out = fn(t, kernel, stride, padding)
            g_out = randn(seed + 1, tuple(out.shape)) if g_out is None or g_out.shape != tuple(out.shape) else g_out
            out.backward(tensor(g_out))
            results.append((out.detach().numpy(), t.grad.numpy()))
        np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-12, atol=1e-12)
