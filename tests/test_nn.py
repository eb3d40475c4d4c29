"maxine.nn beside torch.nn: layers, activations, containers and Module bookkeeping."
import math
import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

import maxine
from maxine import nn, tensor
import maxine.nn.functional as F
from helpers import check_against_torch

seeds = st.integers(0, 2**32 - 1)


def randn(seed, shape): return np.random.default_rng(seed).standard_normal(shape)


def torch_linear_like(layer):
    "A torch.nn.Linear (float64) holding the same weights as maxine's `layer` (whose w is the transpose)"
    t = torch.nn.Linear(layer.in_features, layer.out_features, bias=layer.b is not None).double()
    with torch.no_grad():
        t.weight.copy_(torch.tensor(layer.w.detach().numpy().T))
        if layer.b is not None: t.bias.copy_(torch.tensor(layer.b.detach().numpy()))
    return t


@given(st.integers(1, 6), st.integers(1, 6), st.integers(1, 6), st.booleans(), seeds)
def test_linear_matches_torch(batch, n_in, n_out, bias, seed):
    maxine.manual_seed(seed)
    layer = nn.Linear(n_in, n_out, bias=bias, dtype=np.float64)
    ref = torch_linear_like(layer)
    x = randn(seed, (batch, n_in))
    out, expected = layer(tensor(x, requires_grad=True)), ref(torch.tensor(x))
    np.testing.assert_allclose(out.detach().numpy(), expected.detach().numpy(), rtol=1e-10, atol=1e-12)
    g = randn(seed + 1, out.shape)
    out.backward(g); expected.backward(torch.tensor(g))
    np.testing.assert_allclose(layer.w.grad.detach().numpy(), ref.weight.grad.numpy().T, rtol=1e-10, atol=1e-12)
    if bias: np.testing.assert_allclose(layer.b.grad.detach().numpy(), ref.bias.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_first_readme_linear_example():
    layer = nn.Linear(784, 10)
    assert layer.w.shape == (784, 10) and layer.b.shape == (10,)
    assert layer.weight.shape == (10, 784) and layer.bias is layer.b           # PyTorch's layout, the same numbers
    assert np.shares_memory(layer.w.detach().numpy(), layer.weight.detach().numpy()) and (layer.w.detach().numpy() == layer.weight.detach().numpy().T).all()
    x = torch.zeros(60000, 784)
    assert layer(x).shape == (60000, 10)
    assert layer.forward(x).shape == (60000, 10)


def test_linear_init_like_torch_and_reproducible():
    maxine.manual_seed(0); a = nn.Linear(400, 30)
    maxine.manual_seed(0); b = nn.Linear(400, 30)
    np.testing.assert_array_equal(a.w.detach().numpy(), b.w.detach().numpy())
    bound = 1 / math.sqrt(400)
    for p in (a.w, a.b):
        assert p.dtype == np.float32 and np.abs(p.detach().numpy()).max() <= bound
    assert a.w.detach().numpy().std() == pytest.approx(bound / math.sqrt(3), rel=0.05)   # uniform(-b, b) has std b/sqrt(3)


activations = {
    'ReLU': (nn.ReLU(), torch.nn.ReLU()), 'LeakyReLU': (nn.LeakyReLU(0.2), torch.nn.LeakyReLU(0.2)),
    'Sigmoid': (nn.Sigmoid(), torch.nn.Sigmoid()), 'Tanh': (nn.Tanh(), torch.nn.Tanh()),
    'GELU': (nn.GELU(), torch.nn.GELU()), 'GELU_tanh': (nn.GELU('tanh'), torch.nn.GELU('tanh')),
    'SiLU': (nn.SiLU(), torch.nn.SiLU()), 'Softmax': (nn.Softmax(1), torch.nn.Softmax(1)),
    'LogSoftmax': (nn.LogSoftmax(-1), torch.nn.LogSoftmax(-1)), 'Identity': (nn.Identity(), torch.nn.Identity()),
    'Flatten': (nn.Flatten(), torch.nn.Flatten()),
}

@pytest.mark.parametrize('name', activations)
@given(st.lists(st.integers(1, 4), min_size=2, max_size=4).map(tuple), seeds)
def test_activation_modules(name, shape, seed):
    ours, theirs = activations[name]
    check_against_torch(ours, 3 * randn(seed, shape), torch_fn=theirs)


def test_activations_at_zero_and_large():
    x = np.array([-1e3, -2., 0., 2., 1e3])
    for name in ['ReLU', 'LeakyReLU', 'Sigmoid', 'Tanh', 'GELU', 'SiLU']:
        ours, theirs = activations[name]
        check_against_torch(ours, x, torch_fn=theirs)


def test_dropout_train_and_eval():
    maxine.manual_seed(0)
    drop = nn.Dropout(0.3)
    x = tensor(np.ones((100, 100)), requires_grad=True)
    y = drop(x)
    kept = y.detach().numpy() != 0
    assert abs(kept.mean() - 0.7) < 0.02
    np.testing.assert_allclose(y.detach().numpy()[kept], 1 / 0.7)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.detach().numpy(), kept / 0.7)
    drop.eval()
    assert drop(x) is x
    assert (nn.Dropout(1.)(x).detach().numpy() == 0).all()
    with pytest.raises(ValueError, match='between 0 and 1, but got 1.5'): nn.Dropout(1.5)


def mlp_pair(seed):
    maxine.manual_seed(seed)
    ours = nn.Sequential(nn.Linear(6, 8, dtype=np.float64), nn.ReLU(), nn.Linear(8, 3, dtype=np.float64), nn.LogSoftmax(-1))
    theirs = torch.nn.Sequential(torch_linear_like(ours[0]), torch.nn.ReLU(), torch_linear_like(ours[2]), torch.nn.LogSoftmax(-1))
    return ours, theirs


def test_sequential_mlp_matches_torch():
    ours, theirs = mlp_pair(0)
    x = randn(1, (5, 6))
    out, expected = ours(x), theirs(torch.tensor(x))
    np.testing.assert_allclose(out.detach().numpy(), expected.detach().numpy(), rtol=1e-10)
    out.sum().backward(); expected.sum().backward()
    np.testing.assert_allclose(ours[0].w.grad.detach().numpy(), theirs[0].weight.grad.numpy().T, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(ours[2].b.grad.detach().numpy(), theirs[2].bias.grad.numpy(), rtol=1e-9, atol=1e-12)


class TwoLayer(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(4, 5), nn.ReLU())
        self.head = nn.Linear(5, 2)
        self.head_again = self.head                       # shared: listed once
        self.register_buffer('steps', tensor(0))
    def forward(self, x): return self.head(self.body(x))


def test_module_registry():
    m = TwoLayer()
    assert [n for n, _ in m.named_parameters()] == ['body.0.weight', 'body.0.bias', 'head.weight', 'head.bias']
    assert len(list(m.parameters())) == 4
    assert [type(c).__name__ for c in m.children()] == ['Sequential', 'Linear', 'Linear']
    assert [n for n, _ in m.named_modules()] == ['', 'body', 'body.0', 'body.1', 'head']   # shared: listed once, as PyTorch
    assert [n for n, _ in m.named_modules(remove_duplicate=False)][-1] == 'head_again'
    assert list(m.state_dict()) == ['steps', 'body.0.weight', 'body.0.bias', 'head.weight', 'head.bias']   # PyTorch's order
    m.eval()
    assert not any(mod.training for mod in m.modules())
    m.train()
    assert all(mod.training for mod in m.modules())
    m(np.ones((3, 4), np.float32)).sum().backward()
    assert all(p.grad is not None for p in m.parameters())
    m.zero_grad(set_to_none=False)
    assert all((p.grad.detach().numpy() == 0).all() for p in m.parameters())
    m.zero_grad()
    assert all(p.grad is None for p in m.parameters())
    del m.head_again
    assert [n for n, _ in m.named_modules()][-1] == 'head'


def test_module_without_super_init_says_so():
    class Broken(nn.Module):
        def __init__(self): self.layer = nn.Linear(1, 1)
    with pytest.raises(AttributeError, match=r'super\(\)\.__init__'): Broken()


def test_state_dict_is_a_copy_and_round_trips():
    a, b = TwoLayer(), TwoLayer()
    saved = a.state_dict()
    a.head.weight.data[...] = 7
    assert not (saved['head.weight'].detach().numpy() == 7).any()
    w_before = b.head.weight                          # the same Parameter object stays in place
    b.load_state_dict(saved)
    assert b.head.weight is w_before
    for k, v in saved.items(): np.testing.assert_array_equal(b.state_dict()[k].detach().numpy(), v.detach().numpy())


def test_load_state_dict_errors_name_the_key_and_change_nothing():
    m = TwoLayer()
    good = m.state_dict()
    before = {k: v.detach().numpy().copy() for k, v in good.items()}
    wrong = {**good, 'head.weight': np.zeros((3, 3)), 'extra': np.zeros(1)}
    del wrong['body.0.bias']
    altered = {k: (np.asarray(v) + 1 if k != 'head.weight' else v) for k, v in wrong.items()}
    with pytest.raises(RuntimeError) as err: m.load_state_dict(altered)           # PyTorch's error and wording
    msg = str(err.value)
    assert "Missing key(s) in state_dict: 'body.0.bias'" in msg and "Unexpected key(s) in state_dict: 'extra'" in msg
    assert 'size mismatch for head.weight: copying a param with shape (3, 3) from checkpoint, the shape in current model is (2, 5)' in msg
    for k, v in m.state_dict().items(): np.testing.assert_array_equal(v.detach().numpy(), before[k])
    with pytest.raises(RuntimeError, match='size mismatch'): m.load_state_dict(altered, strict=False)   # shapes always
    for k, v in m.state_dict().items(): np.testing.assert_array_equal(v.detach().numpy(), before[k])
    del altered['head.weight']
    report = m.load_state_dict(altered, strict=False)
    assert report.missing_keys == ['body.0.bias', 'head.weight'] and report.unexpected_keys == ['extra']
    np.testing.assert_array_equal(m.body[0].weight.detach().numpy(), before['body.0.weight'] + 1)
    np.testing.assert_array_equal(m.head.weight.detach().numpy(), before['head.weight'])


def test_repr_prints_the_tree_like_torch():
    model = nn.Sequential(nn.Linear(784, 64), nn.ReLU(), nn.Dropout(0.1), nn.Linear(64, 10))
    expected = ("Sequential(\n"
                "  (0): Linear(in_features=784, out_features=64, bias=True)\n"
                "  (1): ReLU()\n"
                "  (2): Dropout(p=0.1, inplace=False)\n"
                "  (3): Linear(in_features=64, out_features=10, bias=True)\n"
                ")")
    assert repr(model) == expected
    assert repr(TwoLayer()).startswith("TwoLayer(\n  (body): Sequential(\n    (0): Linear(")


def test_sequential_indexing_and_module_list():
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    assert len(model) == 3 and isinstance(model[-1], nn.Linear) and len(model[:2]) == 2
    layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
    assert len(list(layers.parameters())) == 6
    with pytest.raises(TypeError, match='can only hold modules, got int'): layers.append(3)


@pytest.mark.parametrize('name,torch_name,kwargs,std', [
    ('kaiming_uniform_', 'kaiming_uniform_', dict(nonlinearity='relu'), math.sqrt(2 / 300)),
    ('kaiming_normal_', 'kaiming_normal_', dict(nonlinearity='relu'), math.sqrt(2 / 300)),
    ('kaiming_normal_', 'kaiming_normal_', dict(mode='fan_out'), math.sqrt(2 / (1 + 0.01 ** 2) / 200)),
    ('xavier_uniform_', 'xavier_uniform_', dict(gain=2.), 2 * math.sqrt(2 / 500)),
    ('xavier_normal_', 'xavier_normal_', dict(), math.sqrt(2 / 500)),
])
def test_init_spread_matches_torch(name, torch_name, kwargs, std):
    ours = nn.Parameter(np.zeros((200, 300)))          # PyTorch's layout (out, in), as Linear.weight
    theirs = torch.zeros(200, 300)
    getattr(nn.init, name)(ours, **kwargs)
    getattr(torch.nn.init, torch_name)(theirs, **kwargs)
    assert ours.detach().numpy().std() == pytest.approx(std, rel=0.03)
    assert theirs.std().item() == pytest.approx(std, rel=0.03)
    if 'uniform' in name: assert np.abs(ours.detach().numpy()).max() == pytest.approx(theirs.abs().max().item(), rel=0.01)


def test_init_conv_layout_fans_and_gains():
    w = nn.Parameter(np.zeros((16, 8, 3, 3)))            # (out, in, kh, kw) as in PyTorch
    nn.init.kaiming_normal_(w, nonlinearity='relu')
    assert w.detach().numpy().std() == pytest.approx(math.sqrt(2 / (8 * 9)), rel=0.05)
    for g in ['linear', 'sigmoid', 'tanh', 'relu', 'selu']:
        assert nn.init.calculate_gain(g) == pytest.approx(torch.nn.init.calculate_gain(g))
    assert nn.init.calculate_gain('leaky_relu', 0.2) == pytest.approx(torch.nn.init.calculate_gain('leaky_relu', 0.2))
    nn.init.ones_(w); assert (w.detach().numpy() == 1).all()
    nn.init.zeros_(w); assert (w.detach().numpy() == 0).all()
    with pytest.raises(ValueError, match='Mode fan not supported'): nn.init.kaiming_normal_(w, mode='fan')


def test_functional_namespace_like_torch():
    import maxine.nn.functional as F2
    assert F2 is F and F.cross_entropy is maxine.nn.modules.loss.cross_entropy and nn.CrossEntropyLoss is maxine.nn.modules.loss.CrossEntropyLoss
    x = randn(0, (4, 3))
    check_against_torch(lambda t: F.linear(t, tensor(np.ones((2, 3))), tensor(np.ones(2))), x,
                        torch_fn=lambda t: torch.nn.functional.linear(t, torch.ones(2, 3, dtype=torch.float64), torch.ones(2, dtype=torch.float64)))


def test_from_maxine_import_star_hides_none_of_pythons_names():
    import builtins
    namespace = {}
    exec('from maxine import *', namespace)
    assert not [name for name in namespace if name != '__builtins__' and hasattr(builtins, name)]
    assert maxine.sum is maxine.reduction.sum and maxine.float is maxine.float32      # still there as attributes, as in torch


LAYERS_WITH_WEIGHTS = {
    'Linear': lambda: nn.Linear(5, 3), 'Conv2d': lambda: nn.Conv2d(3, 4, 3), 'ConvTranspose2d': lambda: nn.ConvTranspose2d(3, 4, 3),
    'Embedding': lambda: nn.Embedding(6, 3, padding_idx=2), 'LSTM': lambda: nn.LSTM(3, 4, 2, bidirectional=True),
    'GRUCell': lambda: nn.GRUCell(3, 4), 'PReLU': lambda: nn.PReLU(3, init=0.1), 'LayerNorm': lambda: nn.LayerNorm(4),
    'GroupNorm': lambda: nn.GroupNorm(2, 4), 'RMSNorm': lambda: nn.RMSNorm(4), 'BatchNorm2d': lambda: nn.BatchNorm2d(3),
}

@pytest.mark.parametrize('name', sorted(LAYERS_WITH_WEIGHTS))
def test_reset_parameters_draws_the_layers_start_again(name):
    "Every layer with weights starts them in `reset_parameters` (with nn.init), so calling it again, with the same seed, starts over"
    maxine.manual_seed(0)
    layer = LAYERS_WITH_WEIGHTS[name]()
    start = {k: v.detach().numpy().copy() for k, v in layer.state_dict().items()}
    with maxine.no_grad():
        for p in layer.parameters(): p.fill_(7.)
    maxine.manual_seed(0)
    layer.reset_parameters()
    for k, v in layer.state_dict().items(): np.testing.assert_array_equal(v.detach().numpy(), start[k], err_msg=k)
    if name == 'Embedding': assert not start['weight'][2].any()               # the padding row
    if name == 'PReLU': assert (start['weight'] == np.float32(0.1)).all()


def test_multihead_attention_starts_as_pytorchs():
    mha = nn.MultiheadAttention(8, 2)
    assert not mha.in_proj_bias.detach().numpy().any() and not mha.out_proj.bias.detach().numpy().any()
    assert np.abs(mha.in_proj_weight.detach().numpy()).max() <= np.sqrt(6 / (8 + 24))       # Xavier-uniform of (24, 8)
