"""Gradients of gradients (`create_graph=True`) against PyTorch in float64: Hessian-vector products, a gradient
penalty, second derivatives of single ops; and the clear error where an op has no second derivative."""
import numpy as np
import pytest
import torch

import maxine


def rng(seed): return np.random.default_rng(seed)

SECOND_ORDER_OPS = {
    'exp': lambda x: x.exp(), 'log': lambda x: x.abs().add(0.5).log(), 'tanh': lambda x: x.tanh(),
    'sigmoid': lambda x: x.sigmoid(), 'sin': lambda x: x.sin(), 'sqrt': lambda x: (x * x + 1).sqrt(),
    'pow3': lambda x: x ** 3, 'rpow': lambda x: 2 ** x, 'pow_tensor': lambda x: (x * x + 1) ** x,
    'div': lambda x: 1 / (x * x + 1), 'relu': lambda x: x.relu() * x, 'abs': lambda x: x.abs() * x,
    'softmax': lambda x: x.softmax(-1), 'log_softmax': lambda x: x.log_softmax(-1),
    'logsumexp': lambda x: x.logsumexp(-1), 'var': lambda x: x.var(-1), 'std': lambda x: x.std(0),
    'mean': lambda x: (x * x).mean(0), 'sum': lambda x: (x * x).sum(-1, keepdim=True),
    'norm': lambda x: x.norm(dim=-1), 'cumsum': lambda x: (x * x).cumsum(-1),
    'matmul': lambda x: x @ x.t(), 'reshape_permute': lambda x: (x * x).reshape(3, 2).t().reshape(-1),
    'cat_split': lambda x: maxine_or_torch(x).cat([x * x, x.exp()], 0).split(1, 0)[1],
    'maximum': lambda x: maxine_or_torch(x).maximum(x * x, x.exp()),
    'where': lambda x: maxine_or_torch(x).where(x > 0, x * x, x.exp()),
    'leaky_relu': lambda x: F(x).leaky_relu(x * x - 0.5, 0.1) * x, 'softplus': lambda x: F(x).softplus(x * x),
    'elu': lambda x: F(x).elu(x) * x, 'silu': lambda x: F(x).silu(x),
    'linear': lambda x: F(x).linear(x, x * x, x[:, 0] * 2),
    'cross_entropy': lambda x: F(x).cross_entropy(x * x, maxine_or_torch(x).tensor([2, 0])),
    'mse_loss': lambda x: F(x).mse_loss(x.exp(), x * x),
}

def maxine_or_torch(t): return maxine if isinstance(t, maxine.Tensor) else torch
def F(t): return maxine_or_torch(t).nn.functional


def hessian_vector_product(lib, fn, x0, v0):
    "H v for the scalar sum(fn(x) * w), by differentiating the gradient (create_graph=True) once more"
    x = lib.tensor(x0, requires_grad=True)
    out = fn(x)
    w = lib.tensor(np.linspace(0.5, 1.5, int(np.prod(out.shape))).reshape(tuple(out.shape)))
    g, = lib.autograd.grad((out * w).sum(), x, create_graph=True)
    assert g.requires_grad
    hv, = lib.autograd.grad((g * lib.tensor(v0)).sum(), x)
    return g.detach().numpy(), hv.numpy()


@pytest.mark.parametrize('name', sorted(SECOND_ORDER_OPS))
def test_second_derivatives_match_torch(name):
    x0, v0 = rng(0).standard_normal((2, 3)), rng(1).standard_normal((2, 3))
    ours, theirs = (hessian_vector_product(lib, SECOND_ORDER_OPS[name], x0, v0) for lib in (maxine, torch))
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-10, atol=1e-12, err_msg='gradient')
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-9, atol=1e-11, err_msg='Hessian-vector product')


def mlp(lib, seed=0):
    torch.manual_seed(seed)
    theirs = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 3)).double()
    if lib is torch: return theirs
    ours = maxine.nn.Sequential(maxine.nn.Linear(4, 8), maxine.nn.Tanh(), maxine.nn.Linear(8, 3)).double()
    ours.load_state_dict({k: maxine.tensor(v.detach().numpy()) for k, v in theirs.state_dict().items()})
    return ours


def test_hessian_vector_product_of_a_network_loss():
    x, y = rng(2).standard_normal((5, 4)), np.array([0, 2, 1, 1, 0])
    results = []
    for lib in (maxine, torch):
        model = mlp(lib)
        params = list(model.parameters())
        loss = lib.nn.functional.cross_entropy(model(lib.tensor(x)), lib.tensor(y))
        grads = lib.autograd.grad(loss, params, create_graph=True)
        vs = [lib.tensor(rng(3 + i).standard_normal(tuple(p.shape))) for i, p in enumerate(params)]
        hv = lib.autograd.grad(sum((g * v).sum() for g, v in zip(grads, vs)), params)
        results.append([h.detach().numpy() for h in hv])
    for ours, theirs in zip(*results): np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-12)


def test_gradient_penalty_as_in_wgan_gp():
    real, fake, alpha = rng(4).standard_normal((6, 4)), rng(5).standard_normal((6, 4)), rng(6).random((6, 1))
    results = []
    for lib in (maxine, torch):
        critic = mlp(lib)
        critic[1] = lib.nn.LeakyReLU(0.2)
        mixed = (lib.tensor(alpha) * lib.tensor(real) + (1 - lib.tensor(alpha)) * lib.tensor(fake)).requires_grad_(True)
        scores = critic(mixed)
        grads = lib.autograd.grad(outputs=scores, inputs=mixed, grad_outputs=lib.ones_like(scores),
                                  create_graph=True, retain_graph=True, only_inputs=True)[0]
        penalty = ((grads.view(grads.size(0), -1).norm(2, dim=1) - 1) ** 2).mean()
        (scores.mean() + 10 * penalty).backward()
        results.append([penalty.item()] + [p.grad.numpy() for p in critic.parameters()])
    assert results[0][0] == pytest.approx(results[1][0], rel=1e-10)
    for ours, theirs in zip(results[0][1:], results[1][1:]): np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-12)


def test_backward_with_create_graph_gives_a_grad_in_the_graph():
    for lib in (maxine, torch):
        x = lib.tensor([1., 2.], dtype=lib.float64, requires_grad=True)
        (x ** 3).sum().backward(create_graph=True)
        assert x.grad.requires_grad and x.grad.grad_fn is not None
        second, = lib.autograd.grad(x.grad.sum(), x)
        assert second.tolist() == [6., 12.]


def test_backward_without_create_graph_records_nothing():
    x = maxine.tensor([1., 2.], requires_grad=True)
    y = maxine.tensor([3., 4.], requires_grad=True)
    (x * y).sum().backward()
    assert x.grad.grad_fn is None and not x.grad.requires_grad
    g, = maxine.autograd.grad((x * y).sum(), x)
    assert g.grad_fn is None and not g.requires_grad


def test_an_op_without_a_second_derivative_says_so():
    x = maxine.randn(1, 1, 5, 5, dtype=maxine.float64, requires_grad=True)
    w = maxine.randn(2, 1, 3, 3, dtype=maxine.float64, requires_grad=True)
    g, = maxine.autograd.grad(maxine.nn.functional.conv2d(x, w).sum(), x, create_graph=True)
    assert g.requires_grad                                      # recorded, so it cannot pass for a constant
    with pytest.raises(RuntimeError, match="Conv2dBackward0's backward computes with arrays"):
        (g * g).sum().backward()


def test_once_differentiable_as_in_torch():
    for lib in (maxine, torch):
        class Cube(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x ** 3
            @staticmethod
            @lib.autograd.function.once_differentiable
            def backward(ctx, grad):
                x, = ctx.saved_tensors
                return grad * 3 * x ** 2
        x = lib.tensor([2.], requires_grad=True)
        Cube.apply(x).sum().backward()
        assert x.grad.tolist() == [12.]


def test_gradgradcheck():
    x = maxine.randn(2, 3, dtype=maxine.float64, requires_grad=True)
    assert maxine.autograd.gradgradcheck(lambda t: (t * t).tanh().sum(-1), (x,))
    assert maxine.autograd.gradgradcheck(lambda t: t.softmax(-1), (x,))
