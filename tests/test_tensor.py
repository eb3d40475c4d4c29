"""The Tensor and its autograd engine beside PyTorch: graphs, accumulation, hooks, custom Functions, grad mode,
dtypes, devices, conversions, factories and random numbers."""
import copy, gc, math, pickle, weakref
import numpy as np
import pytest
import torch

import maxine
from maxine import tensor
from helpers import check_against_torch


def randn(seed, shape): return np.random.default_rng(seed).standard_normal(shape)
def lib(t): return maxine if isinstance(t, maxine.Tensor) else torch


# --- graphs -------------------------------------------------------------------------------------------------------

def test_mlp_log_softmax():
    x, w1, b1, w2, b2 = randn(0, (8, 5)), randn(1, (5, 16)), randn(2, (16,)), randn(3, (16, 4)), randn(4, (4,))
    def mlp(x, w1, b1, w2, b2): return ((x @ w1 + b1).relu() @ w2 + b2).log_softmax(-1)
    check_against_torch(mlp, x, w1, b1, w2, b2)


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


def test_tensor_used_many_times_and_diamonds():
    check_against_torch(lambda x: (x * x + x) * (x * x) - x.exp() * (x * x) + (x @ x.T).sum(0), randn(0, (3, 3)))
    check_against_torch(lambda x: (x.exp() + x.exp()) * x.sigmoid(), randn(0, (4,)))


def test_grad_fn_names_and_next_functions_as_in_torch():
    for L in (maxine, torch):
        x = L.tensor([1., 2.], requires_grad=True)
        y = (x * 2 + 1).sum()
        assert y.grad_fn.name() == 'SumBackward0'
        add = y.grad_fn.next_functions[0][0]
        assert add.name() == 'AddBackward0'
        mul = add.next_functions[0][0]
        assert mul.name() == 'MulBackward0'
        assert type(mul.next_functions[0][0]).__name__ == 'AccumulateGrad' and mul.next_functions[0][0].variable is x
        assert x.grad_fn is None and x.is_leaf and not y.is_leaf
        assert 'grad_fn=<SumBackward0>' in repr(y)


# --- accumulation, freeing, retain_graph ---------------------------------------------------------------------------

def test_gradients_accumulate_until_zeroed():
    x = tensor([1., 2.], requires_grad=True)
    (x * 3).sum().backward()
    (x * x).sum().backward()
    np.testing.assert_allclose(x.grad.detach().numpy(), [3 + 2, 3 + 4])
    x.grad = None
    (x * 3).sum().backward()
    np.testing.assert_allclose(x.grad.detach().numpy(), [3, 3])
    x.grad.zero_()
    assert x.grad.tolist() == [0., 0.]


def test_retain_graph_and_freed_graph():
    x = tensor([1., 2.], requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(x.grad.detach().numpy(), [4., 8.])
    with pytest.raises(RuntimeError, match='second time'): y.backward()


def test_graph_is_freed_after_backward():
    x = tensor(np.ones(3), requires_grad=True)
    h = x * 2
    ref = weakref.ref(h)
    y = (h * 3).sum()
    del h
    y.backward()
    gc.collect()
    assert ref() is None


def test_leaf_gradients_never_alias_anything_else():
    x, y = tensor([1., 2.], requires_grad=True), tensor([3., 4.], requires_grad=True)
    upstream = np.ones(2, np.float32)
    (x + y).backward(upstream)
    x.grad.data += 10                                   # must touch neither y.grad nor the caller's array
    np.testing.assert_array_equal(y.grad.detach().numpy(), [1., 1.]); np.testing.assert_array_equal(upstream, [1., 1.])
    w = tensor(np.ones((3, 2), np.float32), requires_grad=True)
    (tensor(np.ones((4, 3), np.float32)) @ w).sum().backward()
    first = w.grad.detach().numpy()
    (tensor(np.ones((4, 3), np.float32)) @ w).sum().backward()
    assert w.grad.detach().numpy() is first and (first == 8).all()     # accumulated in place into the array it owns


def test_backward_with_inputs_and_autograd_backward():
    for L in (maxine, torch):
        a, b = L.tensor([1., 2.], requires_grad=True), L.tensor([3., 4.], requires_grad=True)
        (a * b).sum().backward(inputs=[a])
        assert a.grad.tolist() == [3., 4.] and b.grad is None
        L.autograd.backward([(a * 2).sum(), (b * 3).sum()])
        assert a.grad.tolist() == [5., 6.] and b.grad.tolist() == [3., 3.]


# --- autograd.grad, hooks, retain_grad -----------------------------------------------------------------------------

def test_autograd_grad_like_torch():
    for L in (maxine, torch):
        x = L.tensor([1., 2., 3.], requires_grad=True)
        h = x * x
        out = (h * 2).sum()
        gx, gh = L.autograd.grad(out, (x, h), retain_graph=True)
        assert gx.tolist() == [4., 8., 12.] and gh.tolist() == [2., 2., 2.] and x.grad is None
        (gv,) = L.autograd.grad(h, x, grad_outputs=L.tensor([1., 0., 1.]))
        assert gv.tolist() == [2., 0., 6.]
        unused = L.tensor(1., requires_grad=True)
        with pytest.raises(RuntimeError, match='allow_unused'): L.autograd.grad((x * 2).sum(), unused)
        assert L.autograd.grad((x * 2).sum(), [x, unused], allow_unused=True)[1] is None


def test_hooks_and_retain_grad_like_torch():
    for L in (maxine, torch):
        x = L.tensor([1., 2.], requires_grad=True)
        seen = []
        handle = x.register_hook(lambda g: seen.append(g.tolist()))
        y = x * 3
        y.retain_grad()
        y.register_hook(lambda g: g * 10)
        y.sum().backward()
        assert y.grad.tolist() == [1., 1.] or y.grad.tolist() == [10., 10.]
        assert x.grad.tolist() == [30., 30.] and seen == [[30., 30.]]
        handle.remove()
        (x * 1).sum().backward()
        assert seen == [[30., 30.]] and y.retains_grad
    with pytest.raises(RuntimeError, match="doesn't require gradient"): tensor([1.]).register_hook(print)


# --- custom Functions -----------------------------------------------------------------------------------------------

def make_relu(L):
    class MyReLU(L.autograd.Function):
        @staticmethod
        def forward(ctx, input):
            ctx.save_for_backward(input)
            return input.clamp(min=0)
        @staticmethod
        def backward(ctx, grad_output):
            input, = ctx.saved_tensors
            grad_input = grad_output.clone()
            grad_input[input < 0] = 0
            return grad_input
    return MyReLU


def test_custom_function_runs_unchanged_on_both():
    x = randn(0, (3, 4))
    check_against_torch(lambda t: make_relu(lib(t)).apply(t * 2) * 3, x)
    y = make_relu(maxine).apply(tensor([1.], requires_grad=True))
    assert y.grad_fn.name() == 'MyReLUBackward'


def test_custom_function_with_two_outputs_non_differentiable_and_needs_input_grad():
    def make(L):
        class SortOf(L.autograd.Function):
            @staticmethod
            def forward(ctx, x, scale):
                ctx.scale = scale
                ctx.flags = ctx.needs_input_grad
                idx = (x > 0).long()
                ctx.mark_non_differentiable(idx)
                return x * scale, idx
            @staticmethod
            def backward(ctx, grad, grad_idx):
                return grad * ctx.scale, None
        return SortOf
    for L in (maxine, torch):
        x = L.tensor([-1., 2.], requires_grad=True)
        y, idx = make(L).apply(x, 3.)
        assert not idx.requires_grad and y.requires_grad
        y.sum().backward()
        assert x.grad.tolist() == [3., 3.]
        assert y.grad_fn.flags == (True, False)


def test_function_backward_returning_wrong_shapes():
    class Bad(maxine.autograd.Function):
        @staticmethod
        def forward(ctx, x): return x * 2
        @staticmethod
        def backward(ctx, grad): return maxine.ones(5)
    with pytest.raises(RuntimeError, match='invalid gradient at index 0'):
        Bad.apply(maxine.ones(3, requires_grad=True)).sum().backward()
    class TooMany(maxine.autograd.Function):
        @staticmethod
        def forward(ctx, x): return x * 2
        @staticmethod
        def backward(ctx, grad): return grad, grad
    with pytest.raises(RuntimeError, match='incorrect number of gradients'):
        TooMany.apply(maxine.ones(3, requires_grad=True)).sum().backward()


def test_gradcheck():
    x = tensor(randn(0, (3, 4)), requires_grad=True)
    assert maxine.autograd.gradcheck(lambda t: (t * t.sigmoid()).logsumexp(1), (x,))
    assert maxine.gradcheck(lambda t: (t * t.sigmoid()).logsumexp(1), x)          # the older call form
    class Wrong(maxine.autograd.Function):
        @staticmethod
        def forward(ctx, t):
            ctx.save_for_backward(t)
            return t ** 2
        @staticmethod
        def backward(ctx, g): return g * ctx.saved_tensors[0]
    with pytest.raises(maxine.autograd.GradcheckError, match='backward gives'): maxine.autograd.gradcheck(Wrong.apply, (x,))
    x.grad = maxine.ones(3, 4, dtype=maxine.float64)
    maxine.autograd.gradcheck(lambda t: t.exp(), (x,))
    np.testing.assert_array_equal(x.grad.detach().numpy(), 1.)     # the user's gradient is kept
    with pytest.raises(ValueError, match='float64'): maxine.autograd.gradcheck(lambda t: t.exp(), (tensor([1.], requires_grad=True),))


def test_detect_anomaly_names_the_op():
    x = tensor([0., 1.], requires_grad=True)
    with maxine.autograd.detect_anomaly():
        with pytest.raises(RuntimeError, match="'LogBackward0' returned nan values"): x.log().sum().backward()
    x.log().sum().backward()              # off again: no check


# --- grad mode --------------------------------------------------------------------------------------------------------

def test_grad_mode_switches_as_in_torch():
    for L in (maxine, torch):
        x = L.tensor([1., 2.], requires_grad=True)
        with L.no_grad():
            y = x * 2
            with L.enable_grad(): z = x * 2
        assert not y.requires_grad and z.requires_grad and L.is_grad_enabled()
        with L.set_grad_enabled(False): assert not (x * 2).requires_grad
        assert L.is_grad_enabled()
        with L.inference_mode(): assert not (x * 2).requires_grad
        @L.no_grad()
        def f(t): return t * 2
        assert not f(x).requires_grad
        assert not x.detach().requires_grad
    assert maxine.tensor([1.]).detach().detach().numpy() is not None


def test_integer_and_boolean_tensors_get_no_gradient():
    x = tensor([1., 2.], requires_grad=True)
    assert not x.argmax().requires_grad and not (x > 1).requires_grad
    assert not x.max(0).indices.requires_grad and not x.long().requires_grad
    with pytest.raises(RuntimeError, match='floating point'): tensor([1, 2], requires_grad=True)
    with pytest.raises(RuntimeError, match='floating point'): tensor([1, 2]).requires_grad = True
    with pytest.raises(RuntimeError, match='leaf variables'): (x * 2).requires_grad_(False)


# --- dtypes, devices, conversions -------------------------------------------------------------------------------------

def test_default_dtypes():
    assert tensor([1., 2.]).dtype == np.float32 and tensor(1.5).dtype == np.float32
    assert tensor([1, 2]).dtype == np.int64 and tensor(True).dtype == np.bool_
    assert tensor(np.zeros(2, np.float64)).dtype == np.float64
    assert tensor(torch.zeros(2)).dtype == np.float32
    assert tensor(torch.zeros(2, dtype=torch.float64)).dtype == np.float64
    assert maxine.randn(2).dtype == np.float32 and maxine.zeros(2).dtype == np.float32
    assert maxine.float == maxine.float32 and maxine.long == maxine.int64 and maxine.double == maxine.float64
    assert maxine.int == maxine.int32 and maxine.bool == np.bool_ and maxine.half == maxine.float16
    assert maxine.get_default_dtype() == maxine.float32


@pytest.mark.parametrize('dtype', [np.float32, np.float64])
@pytest.mark.parametrize('fn', [lambda x: x + 1, lambda x: 2.5 * x, lambda x: x / 3, lambda x: x ** 2,
                                lambda x: 2 ** x, lambda x: x.exp(), lambda x: x.log(), lambda x: x.sqrt(),
                                lambda x: x.sigmoid(), lambda x: x.tanh(), lambda x: x.relu(), lambda x: x.mean(),
                                lambda x: x.var(0), lambda x: x.std(), lambda x: x.softmax(-1),
                                lambda x: x.log_softmax(-1), lambda x: x.logsumexp(-1), lambda x: x @ x.T,
                                lambda x: x.max(), lambda x: x[[0, 0]], lambda x: x.clamp(0.2, 0.8),
                                lambda x: maxine.where(x > 0.5, x, 0.), lambda x: x.maximum(x * 0 + 0.5),
                                lambda x: x.erf(), lambda x: x.cumsum(0), lambda x: x.norm()])
def test_dtype_kept_through_ops_and_gradients(dtype, fn):
    x = tensor(np.random.default_rng(0).uniform(0.1, 1, (3, 3)), dtype=dtype, requires_grad=True)
    out = fn(x)
    assert out.dtype == dtype
    out.sum().backward()
    assert x.grad.dtype == dtype


def test_to_and_casts_like_torch():
    for L in (maxine, torch):
        x = L.tensor([1.5, -2.], requires_grad=True)
        y = x.to(L.float64)
        assert y.dtype == L.float64 and x.to('cpu') is x and x.to(device='cpu') is x and x.cpu() is x
        assert x.to('cpu', L.float64).dtype == L.float64 and x.to(L.tensor([1])).dtype == L.int64
        assert x.long().tolist() == [1, -2] and x.int().dtype == L.int32 and x.bool().tolist() == [True, True]
        assert x.double().dtype == L.float64 and x.half().dtype == L.float16 and x.float() is x
        assert x.type(L.float64).dtype == L.float64
        (y * 2).sum().backward()
        assert x.grad.dtype == L.float32 and x.grad.tolist() == [2., 2.]
        assert x.device == L.device('cpu') and x.device.type == 'cpu' and not x.is_cuda
    assert str(maxine.device('cpu')) == 'cpu' and repr(maxine.device('cpu')) == "device(type='cpu')"


def test_devices_that_maxine_does_not_have():
    assert not maxine.cuda.is_available() and maxine.cuda.device_count() == 0
    assert not maxine.accelerator.is_available() and not maxine.backends.mps.is_available()
    maxine.cuda.manual_seed_all(0)
    maxine.backends.cudnn.benchmark = True
    device = 'cuda' if maxine.cuda.is_available() else 'cpu'
    assert maxine.ones(2, device=device).device == 'cpu'
    for attempt in [lambda: maxine.ones(2).to('cuda'), lambda: maxine.ones(2).cuda(), lambda: maxine.zeros(2, device='cuda:0'),
                    lambda: maxine.tensor([1.], device='mps')]:
        with pytest.raises(RuntimeError, match='is not available'): attempt()
    with pytest.raises(RuntimeError, match='device type'): maxine.device('gpu')


def test_repr_and_conversions():
    x = tensor([1., 2.], requires_grad=True)
    assert repr(x) == 'tensor([1., 2.], requires_grad=True)'
    assert 'grad_fn=<MulBackward0>' in repr(x * 2)
    assert 'dtype=float64' in repr(tensor([1.], dtype=np.float64))
    assert x.tolist() == [1., 2.] and x.size() == (2,) and x.size(0) == 2 and x.numel() == 2 and x.dim() == 1
    assert tensor(3.).item() == 3. and len(x) == 2 and [t.item() for t in x] == [1., 2.]
    assert np.asarray(x).dtype == np.float32
    assert f"{tensor(3.14159):.2f}" == '3.14' and '{:.1f}'.format(tensor(2.)) == '2.0'
    assert [10, 20, 30][tensor(2)] == 30 and list(range(5))[tensor(1):tensor(3)] == [1, 2]
    assert int(tensor(3.7)) == 3 and float(tensor(2)) == 2.0 and bool(tensor([1.]))
    with pytest.raises(TypeError, match='integer tensors'): [1, 2][tensor(1.)]
    with pytest.raises(RuntimeError, match='ambiguous'): bool(tensor([1., 2.]))
    with pytest.raises(RuntimeError, match="requires grad"): x.numpy()
    assert x.detach().numpy() is x.detach().numpy()
    assert 2. in tensor([1., 2.]) and x.stride() == (1,) and x.is_contiguous() and x.element_size() == 4
    assert tensor([[1., 2.]]).T.stride() == torch.tensor([[1., 2.]]).T.stride()


def test_pickle_and_deepcopy():
    w = tensor([1., 2.], requires_grad=True)
    y = w * 2
    restored = pickle.loads(pickle.dumps(y))
    assert restored.tolist() == [2., 4.] and restored.grad_fn is None
    assert copy.deepcopy(w).requires_grad and copy.deepcopy(w).detach().numpy() is not w.detach().numpy()


def test_bad_data_errors():
    with pytest.raises(TypeError, match='expected a number'): tensor([[1, 2], [3]])
    with pytest.raises(TypeError, match='expected a number'): tensor({'a': 1})
    with pytest.raises(TypeError, match='expected a number'): tensor("abc")


def test_backward_errors():
    with pytest.raises(RuntimeError, match=r'shape \(2,\)'): tensor([1., 2.], requires_grad=True).exp().backward()
    with pytest.raises(RuntimeError, match='does not require grad'): tensor([1., 2.]).sum().backward()
    x = tensor([1., 2.], requires_grad=True)
    with pytest.raises(ValueError, match=r'gradient has shape \(3,\)'): (x * 2).backward(np.ones(3))


# --- factories and random numbers -------------------------------------------------------------------------------------

def test_factories_match_torch():
    for m, t in [(maxine.zeros(2, 3), torch.zeros(2, 3)), (maxine.ones((2,)), torch.ones(2)),
                 (maxine.full((2, 2), 1.5), torch.full((2, 2), 1.5)), (maxine.full((2,), 7), torch.full((2,), 7)),
                 (maxine.arange(5), torch.arange(5)), (maxine.arange(1, 2, 0.25), torch.arange(1, 2, 0.25)),
                 (maxine.arange(10, 0, -3), torch.arange(10, 0, -3)), (maxine.arange(0., 1., 0.1), torch.arange(0., 1., 0.1)),
                 (maxine.eye(3), torch.eye(3)), (maxine.eye(2, 3), torch.eye(2, 3)),
                 (maxine.linspace(-1, 1, 7), torch.linspace(-1, 1, 7)), (maxine.logspace(0, 3, 4), torch.logspace(0, 3, 4)),
                 (maxine.zeros_like(tensor([[1., 2.]])), torch.zeros_like(torch.tensor([[1., 2.]]))),
                 (maxine.full_like(tensor([1, 2]), 3), torch.full_like(torch.tensor([1, 2]), 3)),
                 (tensor([1., 2.]).new_zeros(3), torch.tensor([1., 2.]).new_zeros(3)),
                 (tensor([1, 2]).new_full((2,), 4), torch.tensor([1, 2]).new_full((2,), 4)),
                 (tensor([1, 2]).new_tensor([3, 4]), torch.tensor([1, 2]).new_tensor([3, 4]))]:
        assert m.shape == tuple(t.shape) and m.dtype == t.numpy().dtype, (m, t)
        np.testing.assert_allclose(m.detach().numpy(), t.numpy(), rtol=1e-6, atol=1e-7)
    assert maxine.randn(2, 3, requires_grad=True).requires_grad and maxine.empty(2, 3).shape == (2, 3)


def test_from_numpy_and_as_tensor_share_memory():
    a = np.zeros(3)
    t = maxine.from_numpy(a)
    a[0] = 5
    assert t[0].item() == 5. and maxine.as_tensor(a).detach().numpy() is a and maxine.tensor(a).detach().numpy() is not a
    t.add_(1)
    assert a.tolist() == [6., 1., 1.]
    assert maxine.asarray(a, copy=True).detach().numpy() is not a


def test_manual_seed_and_generators():
    maxine.manual_seed(3); a = (maxine.randn(4), maxine.rand(2, 2), maxine.randint(0, 10, (5,)), maxine.randperm(5))
    maxine.manual_seed(3); b = (maxine.randn(4), maxine.rand(2, 2), maxine.randint(0, 10, (5,)), maxine.randperm(5))
    for x, y in zip(a, b): np.testing.assert_array_equal(x.detach().numpy(), y.detach().numpy())
    g = maxine.Generator().manual_seed(7)
    state = g.get_state()
    first = maxine.rand(3, generator=g)
    g.set_state(state)
    assert maxine.rand(3, generator=g).tolist() == first.tolist()
    s = maxine.get_rng_state(); r = maxine.rand(2); maxine.set_rng_state(s)
    assert maxine.rand(2).tolist() == r.tolist()
    assert maxine.manual_seed(5).initial_seed() == 5 and maxine.initial_seed() == 5


def test_random_call_forms_like_torch():
    for L in (maxine, torch):
        L.manual_seed(0)
        assert L.randint(10, (3,)).shape == (3,) and L.randint(3, 10, (2, 2)).shape == (2, 2)
        assert L.randint(3, 10, size=(4,)).dtype == L.int64
        assert L.rand_like(L.ones(2, 3)).shape == (2, 3) and L.randn_like(L.ones(2, dtype=L.float64)).dtype == L.float64
        assert L.normal(L.zeros(3), L.ones(3)).shape == (3,) and L.normal(0., 1., (2, 2)).shape == (2, 2)
        assert L.bernoulli(L.full((4,), 0.5)).shape == (4,) and L.multinomial(L.tensor([0.2, 0.8]), 3, True).shape == (3,)
        w = L.empty(100)
        with L.no_grad(): w.normal_(0, 0.1); w.uniform_(-1, 1)
        assert float(w.abs().max()) <= 1


def test_multinomial_distribution():
    maxine.manual_seed(0)
    probs = np.array([0.1, 0.0, 0.6, 0.3])
    draws = maxine.multinomial(tensor(probs), 20000, replacement=True).detach().numpy()
    np.testing.assert_allclose(np.bincount(draws, minlength=4) / 20000, probs, atol=0.015)
    first = maxine.multinomial(tensor(np.tile(probs, (5000, 1))), 1).detach().numpy()[:, 0]
    np.testing.assert_allclose(np.bincount(first, minlength=4) / 5000, probs, atol=0.02)
    rows = maxine.multinomial(tensor(np.ones((100, 4))), 4).detach().numpy()
    assert all(sorted(r) == [0, 1, 2, 3] for r in rows)
    with pytest.raises(RuntimeError, match='without replacement'): maxine.multinomial(tensor([1., 1.]), 3)
    with pytest.raises(RuntimeError, match='element < 0'): maxine.multinomial(tensor([1., -1.]), 1)


def test_data_is_a_detached_tensor_sharing_storage_as_in_torch():
    for lib in (torch, maxine):
        w = lib.tensor([1., 2., 3.], requires_grad=True)
        d = w.data
        assert isinstance(d, lib.Tensor) and not d.requires_grad and d.grad_fn is None
        (w * w).sum().backward()
        w.data.add_(w.grad, alpha=-0.1)                      # old-style SGD: changes w, unrecorded
        assert w.tolist() == pytest.approx([0.8, 1.6, 2.4]) and w._version == 0
        w.data.zero_()
        assert w.tolist() == [0., 0., 0.] and w.requires_grad
        w.data = lib.tensor([5., 6.])                        # a new storage, of another shape
        assert w.tolist() == [5., 6.] and w.requires_grad
        with pytest.raises(TypeError): w.data = [1., 2.]


def test_change_through_data_is_not_counted_by_the_version_check():
    for lib in (torch, maxine):
        x = lib.tensor([1., 2.], requires_grad=True)
        y = x * x                                            # saves x
        x.data.mul_(10)                                      # PyTorch allows it (and uses the new numbers)
        y.sum().backward()
        assert x.grad.tolist() == [20., 40.]


def test_data_in_the_idioms_of_pytorch_programs():
    for lib, nn in ((torch, torch.nn), (maxine, maxine.nn)):
        layer = nn.Linear(3, 2)
        layer.bias.data.fill_(0)
        layer.weight.data.normal_(0, 0.02)
        assert layer.bias.tolist() == [0., 0.] and layer.weight.data.std().item() < 0.1
        out = layer(lib.ones(4, 3))
        values, indices = lib.max(out.data, 1)
        assert values.shape == (4,) and indices.dtype == lib.int64 and not values.requires_grad
        assert out.data.numpy().shape == (4, 2)
