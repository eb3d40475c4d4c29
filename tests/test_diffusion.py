"""maxine.diffusion: the UNet and its blocks beside PyTorch twins (bench/twins.py) in float64, the noising process
against its formula, both samplers against the exact noise predictors of data whose distribution is known, the
Fréchet distance against an independent computation, and the training batch."""
import math, sys
from pathlib import Path
import numpy as np
import pytest
import torch

import maxine
from maxine import tensor, Generator
from maxine.diffusion import (NoiseSchedule, timestep_embedding, TimeResBlock, SelfAttention2d, UNet, DiffusionLearner,
                              diffusion_dls, ddpm_sample, ddim_sample, frechet_distance, confident_share)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / 'bench'))
import twins


def compare_grads(model, twin, ours, theirs, atol=1e-9):
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), atol=atol, rtol=1e-7)
    upstream = np.random.default_rng(1).standard_normal(ours.shape)
    ours.backward(tensor(upstream)); theirs.backward(torch.tensor(upstream))
    grads = dict(twin.named_parameters())
    for name, p in model.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), grads[name].grad.numpy(), atol=atol, rtol=1e-6, err_msg=name)


def test_timestep_embedding_matches_its_formula_and_torch():
    t = np.array([0, 1, 7, 99])
    ours = timestep_embedding(tensor(t), 16).numpy()
    np.testing.assert_allclose(ours, twins.timestep_embedding(torch.tensor(t), 16).numpy(), atol=1e-5)
    freqs = np.exp(-math.log(10_000) * np.arange(8) / 8)
    np.testing.assert_allclose(ours, np.concatenate([np.sin(t[:, None] * freqs), np.cos(t[:, None] * freqs)], 1), atol=1e-5)


@pytest.mark.parametrize('ni,nf', [(8, 8), (8, 16)])
def test_time_res_block_matches_torch(ni, nf):
    maxine.manual_seed(0)
    block = TimeResBlock(ni, nf, 12).double()
    twin = twins.load_weights(twins.TimeResBlock(ni, nf, 12), block, torch.float64)
    rng = np.random.default_rng(0)
    x, emb = rng.standard_normal((3, ni, 5, 5)), rng.standard_normal((3, 12))
    compare_grads(block, twin, block(tensor(x), tensor(emb)), twin(torch.tensor(x), torch.tensor(emb)))


@pytest.mark.parametrize('channels', [16, 64])           # one head, two heads
def test_self_attention_2d_matches_torch(channels):
    maxine.manual_seed(0)
    layer = SelfAttention2d(channels).double()
    twin = twins.load_weights(twins.SelfAttention2d(channels), layer, torch.float64)
    x = np.random.default_rng(0).standard_normal((2, channels, 3, 4))
    compare_grads(layer, twin, layer(tensor(x)), twin(torch.tensor(x)))


def test_unet_matches_torch():
    maxine.manual_seed(0)
    model = UNet((16, 32), emb_dim=32).double()
    twin = twins.load_weights(twins.UNet((16, 32), emb_dim=32), model, torch.float64)
    rng = np.random.default_rng(0)
    x, t = rng.standard_normal((2, 1, 28, 28)), np.array([3, 71])
    compare_grads(model, twin, model(tensor(x), tensor(t)), twin(torch.tensor(x), torch.tensor(t)))


def test_noise_schedule_and_noised_follow_the_formulas():
    s = NoiseSchedule(200)
    np.testing.assert_allclose(s.betas[[0, -1]], [1e-4 * 5, 0.02 * 5])
    np.testing.assert_allclose(s.alpha_bars, np.cumprod(1 - s.betas))
    x0, noise, t = (np.random.default_rng(i).standard_normal((4, 1, 3, 3)) for i in (0, 1, 2))
    steps = np.array([0, 5, 100, 199])
    ab = s.alpha_bars[steps][:, None, None, None]
    np.testing.assert_allclose(s.noised(tensor(x0), tensor(steps), tensor(noise)).numpy(),
                               np.sqrt(ab) * x0 + np.sqrt(1 - ab) * noise, atol=1e-12)


class Oracle:
    "The exact noise predictor for data that is the point `x_star`, or N(0, spread^2)"
    def __init__(self, schedule, x_star=None, spread=None): self.s, self.x_star, self.spread = schedule, x_star, spread
    def eval(self): return self
    def __call__(self, x, t):
        assert len(set(t.tolist())) == 1 and x.shape[0] == t.shape[0]
        ab = float(self.s.alpha_bars[int(t[0])])
        if self.spread is not None: return math.sqrt(1 - ab) * x / (ab * self.spread ** 2 + 1 - ab)
        return (x - math.sqrt(ab) * self.x_star) / math.sqrt(1 - ab)


def gaussian_std_after_sampling(s, steps, eta, spread):
    """The exact standard deviation of the samples when the data is N(0, spread^2) and the noise predictor is exact:
    every step is then linear, x_next = c x + sigma z, so the variance follows var_next = c^2 var + sigma^2.
    (DDIM with few steps shrinks the spread: the known error of its coarse steps, not of the code.)"""
    var = 1.
    v = lambda ab: ab * spread ** 2 + 1 - ab                          # the variance of x_t
    if steps is None:                                                 # DDPM, every step, sigma^2 = beta
        for t in range(s.steps - 1, -1, -1):
            beta, ab = s.betas[t], s.alpha_bars[t]
            c = (1 - beta / v(ab)) / math.sqrt(1 - beta)
            var = c ** 2 * var + (beta if t > 0 else 0)
        return math.sqrt(var)
    times = np.linspace(s.steps - 1, 0, steps).round().astype(int)
    for i, t in enumerate(times):
        ab = s.alpha_bars[t]
        ab_next = s.alpha_bars[times[i + 1]] if i + 1 < len(times) else 1.
        sigma2 = eta ** 2 * (1 - ab_next) / (1 - ab) * (1 - ab / ab_next)
        c = (math.sqrt(ab_next * ab) * spread ** 2 + math.sqrt((1 - ab_next - sigma2) * (1 - ab))) / v(ab)
        var = c ** 2 * var + sigma2
    return math.sqrt(var)


@pytest.mark.parametrize('steps,eta', [(None, None), (10, 0.), (100, 0.), (100, 1.)], ids=['ddpm', 'ddim-10', 'ddim-100', 'ddim-eta1'])
def test_samplers_land_on_the_data_given_the_exact_noise(steps, eta):
    s = NoiseSchedule(100)
    sample = (lambda m, n, **k: ddpm_sample(m, s, n, **k)) if steps is None else \
             (lambda m, n, **k: ddim_sample(m, s, n, steps=steps, eta=eta, **k))
    x_star = tensor(np.linspace(-1, 1, 12, dtype=np.float32).reshape(1, 3, 4))
    drawn = sample(Oracle(s, x_star), 5, shape=(1, 3, 4), generator=Generator().manual_seed(0))
    np.testing.assert_allclose(drawn.numpy(), np.broadcast_to(x_star.numpy(), (5, 1, 3, 4)), atol=1e-3)
    spread = sample(Oracle(s, spread=0.3), 20000, shape=(1,), clip=False, generator=Generator().manual_seed(0)).numpy()
    expected = gaussian_std_after_sampling(s, steps, eta, 0.3)
    assert spread.std() == pytest.approx(expected, rel=0.025) and abs(spread.mean()) < 0.01
    if steps in (None, 100): assert expected == pytest.approx(0.3, rel=0.1)        # many small steps: close to the data


def test_samplers_are_reproducible_with_a_generator():
    s, model = NoiseSchedule(10), UNet((8, 16), emb_dim=16)
    a = ddim_sample(model, s, 2, steps=5, generator=Generator().manual_seed(3)).numpy()
    b = ddim_sample(model, s, 2, steps=5, generator=Generator().manual_seed(3)).numpy()
    np.testing.assert_array_equal(a, b)


def test_frechet_distance_against_torch_eigenvalues():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((500, 6)) @ rng.standard_normal((6, 6))
    b = rng.standard_normal((400, 6)) @ rng.standard_normal((6, 6)) + 0.3
    ca, cb = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    # tr((ca cb)^(1/2)) is the sum of the square roots of the eigenvalues of ca cb (real and >= 0)
    cross = torch.linalg.eigvals(torch.tensor(ca @ cb)).real.clamp(min=0).sqrt().sum().item()
    expected = ((a.mean(0) - b.mean(0)) ** 2).sum() + np.trace(ca) + np.trace(cb) - 2 * cross
    assert frechet_distance(a, b) == pytest.approx(expected, rel=1e-8)
    assert frechet_distance(a, a) == pytest.approx(0, abs=1e-8)


def test_confident_share_counts_rows_above_the_threshold():
    assert confident_share(np.array([[0.95, 0.05], [0.5, 0.5], [0.1, 0.9], [0.0, 1.0]])) == 0.5


def test_the_training_batch_is_the_noised_image_and_its_noise():
    maxine.manual_seed(0)
    dls = diffusion_dls('3v7', 8, limit=16)
    learn = DiffusionLearner(UNet((8, 16), emb_dim=16), dls, NoiseSchedule(20))
    learn.batch = next(iter(dls.train))
    x0 = learn.batch[0].numpy()
    assert x0.min() >= -1 and x0.max() <= 1 and x0.min() < -0.99
    learn.split_batch()
    (xt, t), noise = learn.xb, learn.yb
    ab = learn.schedule.alpha_bars[t.numpy()][:, None, None, None]
    np.testing.assert_allclose(xt.numpy(), np.sqrt(ab) * x0[:, None] + np.sqrt(1 - ab) * noise.numpy(), atol=1e-5)
    assert xt.shape == (8, 1, 28, 28) and 0 <= t.numpy().min() and t.numpy().max() < 20


def test_clipping_keeps_the_implied_clean_image_in_range_and_changes_nothing_inside_it():
    s = NoiseSchedule(50)
    class Wild:                                                # predicts noise that implies a clean image far outside [-1, 1]
        def eval(self): return self
        def __call__(self, x, t): return x * 0 - 40.
    for sample in (lambda **k: ddpm_sample(Wild(), s, 3, shape=(1, 2, 2), **k), lambda **k: ddim_sample(Wild(), s, 3, steps=7, shape=(1, 2, 2), **k)):
        clipped = sample(clip=True, generator=Generator().manual_seed(0)).numpy()
        assert np.abs(clipped).max() <= 1 + 1e-5
        assert np.abs(sample(clip=False, generator=Generator().manual_seed(0)).numpy()).max() > 10
