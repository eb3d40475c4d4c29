"""maxine.distributions beside torch.distributions in float64: log_prob, entropy, moments, KL and the gradients
through them and through rsample; sample shapes, and draws that follow the distribution."""
import math
import numpy as np
import pytest
import torch

import maxine
import maxine.distributions as D


def rng(seed): return np.random.default_rng(seed)

def both(make, *arrays):
    "The distribution `make(lib, *tensors)` in both libraries, with its parameters requiring grad"
    out = []
    for lib in (maxine, torch):
        params = [lib.tensor(a, requires_grad=True) for a in arrays]
        out.append((make(lib, *params), params))
    return out


def check(quantity, make, arrays):
    "The same quantity (a function of the distribution) in both, and the gradients of its weighted sum"
    results = []
    for (dist, params), lib in zip(both(make, *arrays), (maxine, torch)):
        value = quantity(lib, dist)
        (value * lib.tensor(np.linspace(0.5, 1.5, value.numel()).reshape(tuple(value.shape)))).sum().backward()
        results.append([value.detach().numpy()] + [p.grad.numpy() if p.grad is not None else np.zeros(tuple(p.shape)) for p in params])
        for p in params: p.grad = None
    for a, b in zip(*results): np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)


CASES = {
    'Normal': (lambda lib, m, s: lib.distributions.Normal(m, s.exp()), (rng(0).standard_normal((2, 3)), rng(1).standard_normal((2, 3))),
               rng(2).standard_normal((4, 2, 3))),
    'Uniform': (lambda lib, a, b: lib.distributions.Uniform(a, a + b.exp()), (rng(0).standard_normal(3), rng(1).standard_normal(3)),
                rng(0).standard_normal(3) + 0.1),
    'Bernoulli_logits': (lambda lib, l: lib.distributions.Bernoulli(logits=l), (rng(0).standard_normal(5),),
                         np.array([0., 1., 1., 0., 1.])),
    'Bernoulli_probs': (lambda lib, p: lib.distributions.Bernoulli(probs=p), (rng(0).uniform(0.1, 0.9, 5),), np.array([0., 1., 1., 0., 1.])),
    'Categorical_logits': (lambda lib, l: lib.distributions.Categorical(logits=l), (rng(0).standard_normal((3, 4)),), np.array([0, 3, 1])),
    'Categorical_probs': (lambda lib, p: lib.distributions.Categorical(probs=p), (rng(0).uniform(0.1, 1, (3, 4)),), np.array([[2, 3, 1]])),
    'MultivariateNormal': (lambda lib, m, a: lib.distributions.MultivariateNormal(m, scale_tril=a.tril(-1) + a.diagonal().exp().diag()),
                           (rng(0).standard_normal(3), rng(1).standard_normal((3, 3))), rng(2).standard_normal((2, 3))),
    'Independent': (lambda lib, m, s: lib.distributions.Independent(lib.distributions.Normal(m, s.exp()), 1),
                    (rng(0).standard_normal((2, 3)), rng(1).standard_normal((2, 3))), rng(2).standard_normal((2, 3))),
}


@pytest.mark.parametrize('name', sorted(CASES))
def test_distributions_match_torch(name):
    make, params, value = CASES[name]
    ours, theirs = both(make, *params)
    assert ours[0].batch_shape == tuple(theirs[0].batch_shape) and ours[0].event_shape == tuple(theirs[0].event_shape)
    check(lambda lib, d: d.log_prob(lib.tensor(value)), make, params)
    check(lambda lib, d: d.entropy(), make, params)
    if 'Categorical' not in name:
        check(lambda lib, d: d.mean, make, params)
        check(lambda lib, d: d.variance, make, params)
    assert tuple(ours[0].sample((5,)).shape) == tuple(theirs[0].sample((5,)).shape)


@pytest.mark.parametrize('name', ['Normal', 'Uniform', 'MultivariateNormal'])
def test_rsample_is_differentiable_as_in_torch(name):
    "rsample is a function of the parameters and of noise drawn by the generator: its gradient is that function's"
    make, params, _ = CASES[name]
    weights = np.linspace(0.5, 1.5, 4 * 6)
    def weighted_draws(arrays):
        ours, op = both(make, *arrays)[0]
        maxine.manual_seed(3)
        x = ours.rsample((4,))
        return (x * maxine.tensor(weights[:x.numel()].reshape(tuple(x.shape)))).sum(), op, x
    total, op, x = weighted_draws(params)
    total.backward()
    assert x.shape == tuple(both(make, *params)[1][0].rsample((4,)).shape)
    for k, (p, array) in enumerate(zip(op, params)):       # central differences, the same noise each time
        numeric = np.zeros_like(array)
        for i in np.ndindex(array.shape):
            up, down = [a.copy() for a in params], [a.copy() for a in params]
            up[k][i] += 1e-6; down[k][i] -= 1e-6
            numeric[i] = (weighted_draws(up)[0].item() - weighted_draws(down)[0].item()) / 2e-6
        np.testing.assert_allclose(p.grad.numpy(), numeric, rtol=1e-6, atol=1e-8)


def test_kl_divergence_matches_torch():
    pairs = [('Normal', 'Normal'), ('Categorical_logits', 'Categorical_logits'), ('Bernoulli_logits', 'Bernoulli_logits'),
             ('Independent', 'Independent')]
    for p_name, q_name in pairs:
        (p_ours, pp_o), (p_theirs, pp_t) = both(CASES[p_name][0], *CASES[p_name][1])
        (q_ours, _), (q_theirs, _) = both(CASES[q_name][0], *[a[::-1].copy() for a in CASES[q_name][1]])
        ours, theirs = D.kl_divergence(p_ours, q_ours), torch.distributions.kl_divergence(p_theirs, q_theirs)
        np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-9, err_msg=p_name)
    with pytest.raises(NotImplementedError, match='Normal and Categorical'):
        D.kl_divergence(D.Normal(0., 1.), D.Categorical(logits=maxine.zeros(2)))


def test_draws_follow_the_distribution():
    maxine.manual_seed(0)
    x = D.Normal(maxine.tensor(2.), maxine.tensor(3.)).sample((20000,))
    assert abs(x.mean().item() - 2) < 0.1 and abs(x.std().item() - 3) < 0.1
    b = D.Bernoulli(probs=maxine.tensor([0.2, 0.9])).sample((20000,)).mean(0)
    np.testing.assert_allclose(b.numpy(), [0.2, 0.9], atol=0.02)
    counts = np.bincount(D.Categorical(probs=maxine.tensor([0.1, 0.6, 0.3])).sample((30000,)).numpy(), minlength=3) / 30000
    np.testing.assert_allclose(counts, [0.1, 0.6, 0.3], atol=0.015)
    mvn = D.MultivariateNormal(maxine.zeros(2), covariance_matrix=maxine.tensor([[2., 0.8], [0.8, 1.]]))
    draws = mvn.sample((40000,)).numpy()
    np.testing.assert_allclose(np.cov(draws.T), [[2., 0.8], [0.8, 1.]], atol=0.06)


def test_arguments_are_checked_as_in_torch():
    with pytest.raises(ValueError, match='scale'): D.Normal(0., 0.)
    with pytest.raises(ValueError, match='Either `probs` or `logits`'): D.Categorical(probs=maxine.ones(2), logits=maxine.ones(2))
    with pytest.raises(ValueError, match='probs'): D.Bernoulli(probs=maxine.tensor([1.5]))
    with pytest.raises(ValueError, match='within the support'): D.Categorical(logits=maxine.zeros(3)).log_prob(maxine.tensor(3))
    with pytest.raises(ValueError, match='within the support'): D.Bernoulli(probs=maxine.tensor(0.5)).log_prob(maxine.tensor(0.5))
    assert D.Normal(0., -1., validate_args=False).scale.item() == -1.
