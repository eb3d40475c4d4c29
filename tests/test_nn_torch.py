"""maxine.nn and maxine.nn.functional beside PyTorch: the layers and functions PyTorch programs reach for, in float64,
values and gradients, and the Module bookkeeping they rely on."""
import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from hypothesis import given, settings, strategies as st

import maxine
from maxine import nn, tensor
import maxine.nn.functional as F
from helpers import check_against_torch

seeds = st.integers(0, 2**32 - 1)
def randn(seed, shape): return np.random.default_rng(seed).standard_normal(shape)


# --- activations ---------------------------------------------------------------------------------------------------

activations = [
    ('gelu', {}), ('gelu', {'approximate': 'tanh'}), ('silu', {}), ('elu', {'alpha': 0.7}), ('selu', {}), ('celu', {'alpha': 1.3}),
    ('softplus', {'beta': 2.0, 'threshold': 5.0}), ('mish', {}), ('softsign', {}), ('hardtanh', {'min_val': -0.5, 'max_val': 2.0}),
    ('hardsigmoid', {}), ('hardswish', {}), ('logsigmoid', {}), ('relu6', {}), ('leaky_relu', {'negative_slope': 0.2}),
    ('softmin', {'dim': -1}), ('glu', {'dim': -1}), ('threshold', {'threshold': 0.3, 'value': -2.0}),
]

@pytest.mark.parametrize('name,kwargs', activations, ids=[f"{n}{k or ''}" for n, k in activations])
@given(seed=seeds, shape=st.sampled_from([(4,), (3, 6), (2, 3, 4), (0, 4)]))
@settings(max_examples=15, deadline=None)
def test_activation_functions(name, kwargs, seed, shape):
    x = 3 * randn(seed, shape)
    rtol = 1e-6 if name == 'celu' else 1e-7       # PyTorch's CELU gradient is off by ~2e-7 for x << 0; maxine's is exp(x / alpha)
    check_against_torch(lambda t: getattr(F, name)(t, **kwargs), x, torch_fn=lambda t: getattr(TF, name)(t, **kwargs), rtol=rtol)


@pytest.mark.parametrize('name,layer', [('GELU', {}), ('SiLU', {}), ('ELU', {}), ('Softplus', {}), ('Mish', {}), ('Hardswish', {}),
                                        ('LogSigmoid', {}), ('Softmin', {'dim': 1}), ('GLU', {}), ('ReLU6', {}), ('Threshold', {'threshold': 0.1, 'value': 20.0})])
def test_activation_layers(name, layer):
    x = randn(3, (4, 6))
    check_against_torch(lambda t: getattr(nn, name)(**layer)(t), x, torch_fn=lambda t: getattr(torch.nn, name)(**layer)(t))


def test_prelu_and_relu_inplace():
    x = randn(0, (3, 4))
    ours, theirs = nn.PReLU(), torch.nn.PReLU().double()
    np.testing.assert_allclose(ours(tensor(x)).detach().numpy(), theirs(torch.tensor(x)).detach().numpy())
    t = tensor(x.copy()); F.relu(t, inplace=True)
    np.testing.assert_array_equal(t.numpy(), np.maximum(x, 0))


# --- losses ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize('reduction', ['mean', 'sum', 'none'])
@given(seed=seeds, shape=st.sampled_from([(5,), (3, 4), (2, 3, 2)]))
@settings(max_examples=10, deadline=None)
def test_regression_losses_with_parameters(reduction, seed, shape):
    target = 2 * randn(seed + 1, shape)
    x = 2 * randn(seed, shape)
    for name, kwargs in [('smooth_l1_loss', {'beta': 0.5}), ('huber_loss', {'delta': 0.7}), ('smooth_l1_loss', {})]:
        check_against_torch(lambda t: getattr(F, name)(t, tensor(target), reduction=reduction, **kwargs), x,
                            torch_fn=lambda t: getattr(TF, name)(t, torch.tensor(target), reduction=reduction, **kwargs))


@pytest.mark.parametrize('reduction', ['mean', 'sum', 'none', 'batchmean'])
@pytest.mark.parametrize('log_target', [False, True])
def test_kl_div(reduction, log_target):
    x = torch.log_softmax(torch.tensor(randn(0, (4, 5))), -1).numpy()
    target = torch.softmax(torch.tensor(randn(1, (4, 5))), -1).numpy()
    if log_target: target = np.log(target)
    check_against_torch(lambda t: F.kl_div(t, tensor(target), reduction=reduction, log_target=log_target), x,
                        torch_fn=lambda t: TF.kl_div(t, torch.tensor(target), reduction=reduction, log_target=log_target))


@pytest.mark.parametrize('reduction', ['mean', 'sum', 'none'])
def test_cosine_embedding_and_margin_ranking(reduction):
    a, b, y = randn(0, (6, 4)), randn(1, (6, 4)), np.array([1., -1., 1., -1., 1., -1.])
    check_against_torch(lambda p, q: F.cosine_embedding_loss(p, q, tensor(y), margin=0.2, reduction=reduction), a, b,
                        torch_fn=lambda p, q: TF.cosine_embedding_loss(p, q, torch.tensor(y), margin=0.2, reduction=reduction))
    check_against_torch(lambda p, q: F.margin_ranking_loss(p, q, tensor(y), margin=0.1, reduction=reduction), a[:, 0], b[:, 0],
                        torch_fn=lambda p, q: TF.margin_ranking_loss(p, q, torch.tensor(y), margin=0.1, reduction=reduction))


def test_pair_loss_modules():
    a, b, y = randn(0, (6, 4)), randn(1, (6, 4)), np.array([1., -1., 1., -1., 1., -1.])
    check_against_torch(lambda p, q: nn.CosineEmbeddingLoss(margin=0.3)(p, q, tensor(y)), a, b,
                        torch_fn=lambda p, q: torch.nn.CosineEmbeddingLoss(margin=0.3)(p, q, torch.tensor(y)))
    check_against_torch(lambda p, q: nn.MarginRankingLoss(margin=0.2)(p, q, tensor(y)), a[:, 0], b[:, 0],
                        torch_fn=lambda p, q: torch.nn.MarginRankingLoss(margin=0.2)(p, q, torch.tensor(y)))


@pytest.mark.parametrize('name,kwargs', [('SmoothL1Loss', {'beta': 0.3}), ('HuberLoss', {'delta': 2.0}), ('KLDivLoss', {'reduction': 'batchmean'}),
                                         ('MSELoss', {'reduction': 'sum'}), ('L1Loss', {})])
def test_loss_modules(name, kwargs):
    x = torch.log_softmax(torch.tensor(randn(0, (3, 4))), -1).numpy()
    target = torch.softmax(torch.tensor(randn(1, (3, 4))), -1).numpy()
    check_against_torch(lambda t: getattr(nn, name)(**kwargs)(t, tensor(target)), x,
                        torch_fn=lambda t: getattr(torch.nn, name)(**kwargs)(t, torch.tensor(target)))


def test_cosine_similarity_and_normalize():
    a, b = randn(0, (5, 3)), randn(1, (5, 3))
    check_against_torch(lambda p, q: F.cosine_similarity(p, q, dim=1), a, b, torch_fn=lambda p, q: TF.cosine_similarity(p, q, dim=1))
    check_against_torch(lambda p: F.normalize(p, p=2.0, dim=1), a, torch_fn=lambda p: TF.normalize(p, p=2.0, dim=1))
    check_against_torch(lambda p: F.normalize(p, p=1.0, dim=0), a, torch_fn=lambda p: TF.normalize(p, p=1.0, dim=0))


# --- embedding, padding, dropout ---------------------------------------------------------------------------------------

def test_embedding_and_one_hot():
    weight = randn(0, (7, 3))
    idx = np.array([[0, 2, 6], [2, 2, 1]])
    check_against_torch(lambda w: F.embedding(tensor(idx), w), weight, torch_fn=lambda w: TF.embedding(torch.tensor(idx), w))
    check_against_torch(lambda w: F.embedding(tensor(idx), w, padding_idx=2), weight, torch_fn=lambda w: TF.embedding(torch.tensor(idx), w, padding_idx=2))
    np.testing.assert_array_equal(F.one_hot(tensor([0, 3, 1]), 5).numpy(), TF.one_hot(torch.tensor([0, 3, 1]), 5).numpy())
    assert F.one_hot(tensor([0, 3, 1])).shape == (3, 4) and F.one_hot(tensor([0, 3, 1])).dtype == np.int64
    layer = nn.Embedding(10, 4, padding_idx=0)
    assert (layer.weight.detach().numpy()[0] == 0).all()
    theirs = torch.nn.Embedding.from_pretrained(torch.tensor(weight), freeze=False)
    ours = nn.Embedding.from_pretrained(tensor(weight), freeze=False)
    np.testing.assert_allclose(ours(tensor(idx)).detach().numpy(), theirs(torch.tensor(idx)).detach().numpy())


@pytest.mark.parametrize('mode', ['constant', 'reflect', 'replicate', 'circular'])
@pytest.mark.parametrize('pad', [(1, 2), (2, 1, 1, 0)])
def test_pad_modes(mode, pad):
    x = randn(0, (2, 3, 5, 6) if len(pad) == 4 else (2, 3, 6))
    kwargs = {'value': 1.5} if mode == 'constant' else {}
    check_against_torch(lambda t: F.pad(t, pad, mode=mode, **kwargs), x, torch_fn=lambda t: TF.pad(t, pad, mode=mode, **kwargs))


def test_padding_layers():
    x = randn(0, (1, 2, 4, 5))
    for name, arg in [('ZeroPad2d', (1, 2, 0, 1)), ('ReflectionPad2d', 1), ('ReplicationPad2d', (2, 0, 1, 1)), ('ConstantPad2d', (1, 1, 2, 2))]:
        args = (arg, 3.0) if name == 'ConstantPad2d' else (arg,)
        check_against_torch(lambda t: getattr(nn, name)(*args)(t), x, torch_fn=lambda t: getattr(torch.nn, name)(*args)(t))


def test_dropout_scaling_and_modes():
    x = np.ones((200, 200))
    out = F.dropout(tensor(x), p=0.3, training=True).numpy()
    kept = out != 0
    assert abs(kept.mean() - 0.7) < 0.02 and np.allclose(out[kept], 1 / 0.7)
    np.testing.assert_array_equal(F.dropout(tensor(x), p=0.3, training=False).numpy(), x)
    layer = nn.Dropout(0.5).eval()
    np.testing.assert_array_equal(layer(tensor(x)).numpy(), x)
    out2d = F.dropout2d(tensor(np.ones((4, 50, 3, 3))), p=0.5, training=True).numpy()
    per_channel = out2d.reshape(4, 50, 9)
    assert ((per_channel == 0).all(-1) | (per_channel == 2).all(-1)).all()     # whole channels drop together


# --- convolution, pooling, normalisation -------------------------------------------------------------------------------

@given(seed=seeds, stride=st.integers(1, 2), padding=st.integers(0, 2), dilation=st.integers(1, 2), groups=st.sampled_from([1, 2]))
@settings(max_examples=15, deadline=None)
def test_conv1d(seed, stride, padding, dilation, groups):
    x, w, b = randn(seed, (2, 4, 11)), randn(seed + 1, (6, 4 // groups, 3)), randn(seed + 2, (6,))
    check_against_torch(lambda x, w, b: F.conv1d(x, w, b, stride, padding, dilation, groups), x, w, b,
                        torch_fn=lambda x, w, b: TF.conv1d(x, w, b, stride, padding, dilation, groups), atol=1e-9)


def test_conv1d_layer_and_same_padding():
    maxine.manual_seed(0)
    ours = nn.Conv1d(3, 5, 4, padding='same', padding_mode='reflect').double()
    theirs = torch.nn.Conv1d(3, 5, 4, padding='same', padding_mode='reflect').double()
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})
    x = randn(0, (2, 3, 9))
    np.testing.assert_allclose(ours(tensor(x)).detach().numpy(), theirs(torch.tensor(x)).detach().numpy(), atol=1e-6)


@pytest.mark.parametrize('output_size', [1, 2, 3, (2, 4)])
def test_adaptive_avg_pool2d(output_size):
    check_against_torch(lambda t: F.adaptive_avg_pool2d(t, output_size), randn(0, (2, 3, 7, 8)),
                        torch_fn=lambda t: TF.adaptive_avg_pool2d(t, output_size))


@pytest.mark.parametrize('kernel,stride,padding', [(2, None, 0), (3, 2, 1), (3, 1, 0)])
def test_pool1d(kernel, stride, padding):
    x = randn(0, (2, 3, 9))
    check_against_torch(lambda t: F.max_pool1d(t, kernel, stride, padding), x, torch_fn=lambda t: TF.max_pool1d(t, kernel, stride, padding))
    check_against_torch(lambda t: F.avg_pool1d(t, kernel, stride, padding), x, torch_fn=lambda t: TF.avg_pool1d(t, kernel, stride, padding))


@pytest.mark.parametrize('training', [True, False])
@pytest.mark.parametrize('shape', [(6, 3), (4, 3, 5), (2, 3, 4, 4)])
def test_batch_norm_function(training, shape):
    rm, rv = randn(5, 3), np.abs(randn(6, 3)) + 0.5
    w, b = randn(7, 3), randn(8, 3)
    ours_rm, ours_rv, theirs_rm, theirs_rv = tensor(rm.copy()), tensor(rv.copy()), torch.tensor(rm.copy()), torch.tensor(rv.copy())
    check_against_torch(lambda x, w, b: F.batch_norm(x, ours_rm, ours_rv, w, b, training=training, momentum=0.2, eps=1e-4),
                        randn(0, shape), w, b,
                        torch_fn=lambda x, w, b: TF.batch_norm(x, theirs_rm, theirs_rv, w, b, training=training, momentum=0.2, eps=1e-4),
                        atol=1e-9)
    np.testing.assert_allclose(ours_rm.numpy(), theirs_rm.numpy(), atol=1e-12)
    np.testing.assert_allclose(ours_rv.numpy(), theirs_rv.numpy(), atol=1e-12)


def test_batch_norm_layers_track_like_torch():
    for ours, theirs, shape in [(nn.BatchNorm1d(3, momentum=None), torch.nn.BatchNorm1d(3, momentum=None), (5, 3)),
                                (nn.BatchNorm2d(3, affine=False), torch.nn.BatchNorm2d(3, affine=False), (4, 3, 2, 2))]:
        theirs = theirs.double(); ours = ours.double()
        for seed in range(3):
            x = randn(seed, shape)
            np.testing.assert_allclose(ours(tensor(x)).detach().numpy(), theirs(torch.tensor(x)).detach().numpy(), atol=1e-10)
        for k, v in theirs.state_dict().items(): np.testing.assert_allclose(ours.state_dict()[k].numpy(), v.numpy(), atol=1e-12)
        ours.eval(); theirs.eval()
        x = randn(9, shape)
        np.testing.assert_allclose(ours(tensor(x)).detach().numpy(), theirs(torch.tensor(x)).detach().numpy(), atol=1e-10)


@pytest.mark.parametrize('normalized', [4, (3, 4)])
def test_layer_norm_and_rms_norm(normalized):
    x = randn(0, (2, 3, 4))
    shape = (normalized,) if isinstance(normalized, int) else normalized
    w, b = randn(1, shape), randn(2, shape)
    check_against_torch(lambda x, w, b: F.layer_norm(x, shape, w, b), x, w, b, torch_fn=lambda x, w, b: TF.layer_norm(x, shape, w, b), atol=1e-9)
    check_against_torch(lambda x, w: F.rms_norm(x, shape, w, eps=1e-6), x, w, torch_fn=lambda x, w: TF.rms_norm(x, shape, w, eps=1e-6), atol=1e-9)
    check_against_torch(lambda x: F.rms_norm(x, shape), x, torch_fn=lambda x: TF.rms_norm(x, shape), atol=1e-9)
    ours, theirs = nn.LayerNorm(shape, bias=False), torch.nn.LayerNorm(shape, bias=False)
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]


@pytest.mark.parametrize('groups', [1, 2, 4])
def test_group_norm(groups):
    x, w, b = randn(0, (3, 4, 5)), randn(1, 4), randn(2, 4)
    check_against_torch(lambda x, w, b: F.group_norm(x, groups, w, b), x, w, b, torch_fn=lambda x, w, b: TF.group_norm(x, groups, w, b), atol=1e-9)
    layer = nn.GroupNorm(groups, 4).double()
    np.testing.assert_allclose(layer(tensor(x)).detach().numpy(), torch.nn.GroupNorm(groups, 4).double()(torch.tensor(x)).detach().numpy(), atol=1e-10)


def test_rmsnorm_layer_and_unflatten():
    x = randn(0, (2, 6))
    np.testing.assert_allclose(nn.RMSNorm(6).double()(tensor(x)).detach().numpy(), torch.nn.RMSNorm(6).double()(torch.tensor(x)).detach().numpy(), atol=1e-10)
    np.testing.assert_array_equal(nn.Unflatten(1, (2, 3))(tensor(x)).numpy(), torch.nn.Unflatten(1, (2, 3))(torch.tensor(x)).numpy())


# --- Module bookkeeping -------------------------------------------------------------------------------------------------

def build(lib):
    n = lib.nn
    class Net(n.Module):
        def __init__(self):
            super().__init__()
            self.blocks = n.ModuleDict({'a': n.Linear(3, 4), 'b': n.Sequential(n.Linear(4, 4), n.ReLU())})
            self.scales = n.ParameterList([n.Parameter(lib.ones(4)), n.Parameter(lib.zeros(4))])
            self.extra = n.ParameterDict({'shift': n.Parameter(lib.zeros(4))})
            self.register_parameter('gain', n.Parameter(lib.ones(1)))
            self.register_buffer('count', lib.zeros(1))
            self.register_buffer('scratch', lib.zeros(2), persistent=False)
        def forward(self, x):
            return self.blocks['b'](self.blocks['a'](x)) * self.scales[0] + self.scales[1] + self.extra['shift']
    return Net()


def test_module_bookkeeping_names_match_torch():
    ours, theirs = build(maxine), build(torch)
    for method in ['named_parameters', 'named_buffers', 'named_children', 'named_modules']:
        assert [k for k, _ in getattr(ours, method)()] == [k for k, _ in getattr(theirs, method)()], method
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert len(list(ours.buffers())) == len(list(theirs.buffers()))


def test_forward_pre_hook_and_apply():
    for lib in (maxine, torch):
        net = build(lib)
        seen = []
        handle = net.register_forward_pre_hook(lambda module, args: seen.append(tuple(args[0].shape)))
        net(lib.ones(2, 3)); handle.remove(); net(lib.ones(2, 3))
        assert seen == [(2, 3)]
        names = []
        net.apply(lambda m: names.append(type(m).__name__))
        assert names[-1] == 'Net' and 'Linear' in names


@pytest.mark.parametrize('kernel,dilation', [((2, 4), 1), ((3, 2), (1, 2)), ((4, 4), 2)])
def test_same_padding_with_even_kernels(kernel, dilation):
    x, w = randn(0, (1, 2, 7, 8)), randn(1, (3, 2) + kernel)
    check_against_torch(lambda x, w: F.conv2d(x, w, padding='same', dilation=dilation), x, w,
                        torch_fn=lambda x, w: TF.conv2d(x, w, padding='same', dilation=dilation), atol=1e-9)
