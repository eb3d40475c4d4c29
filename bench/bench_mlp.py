"""One epoch of a 784-128-10 MLP on MNIST (Adam, float32, data in memory) in maxine beside PyTorch, and where the
time of a training step goes.

    MAXINE_DATA=../shared/data/mnist python bench/bench_mlp.py [--rounds 3]

Both libraries see the same batches (one maxine DataLoader, its arrays handed to PyTorch without a copy) and start
from the same weights. The NumPy floor is the same forward, backward and Adam written directly in NumPy. The three
take turns, an epoch each, for `--rounds` rounds (training on from round to round); the medians are reported."""
import argparse, time
from common import machine_line, torch_twin, torch_with_threads, interleaved, mnist_loader as loader, mnist_mlp
import numpy as np
import maxine
from maxine import optim
import maxine.nn.functional as F
torch = torch_with_threads()

def maxine_epoch(model, batches):
    "A function training `model` for one epoch over `batches`"
    opt = optim.Adam(model.parameters(), lr=1e-3)
    def epoch():
        for xb, yb in batches:
            loss = F.cross_entropy(model(xb), yb)
            opt.zero_grad(); loss.backward(); opt.step()
    return epoch

def torch_epoch(model, batches):
    "The same, for a PyTorch model"
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    def epoch():
        for xb, yb in batches:
            loss = torch.nn.functional.cross_entropy(model(torch.from_numpy(xb)), torch.from_numpy(yb))
            opt.zero_grad(); loss.backward(); opt.step()
    return epoch

def numpy_epoch(like, batches):
    "The floor: forward, backward and Adam by hand in NumPy, no framework"
    params = [like[0].weight.detach().numpy().T.copy(), like[0].bias.detach().numpy().copy(),
              like[2].weight.detach().numpy().T.copy(), like[2].bias.detach().numpy().copy()]
    m, v, scratch = ([np.zeros_like(p) for p in params] for _ in range(3))
    return lambda: _numpy_epoch(params, m, v, scratch, batches)

def _numpy_epoch(params, m, v, scratch, batches):
    for t, (x, y) in enumerate(batches, 1):
        w1, b1, w2, b2 = params
        h = x @ w1 + b1; a = np.maximum(h, 0); z = a @ w2 + b2
        e = np.exp(z - z.max(1, keepdims=True)); p = e / e.sum(1, keepdims=True)
        p[np.arange(len(y)), y] -= 1; dz = p / len(y)
        da = dz @ w2.T; dh = da * (h > 0)
        grads = [x.T @ dh, dh.sum(0), a.T @ dz, dz.sum(0)]
        for param, g, mi, vi, tmp in zip(params, grads, m, v, scratch):      # Adam, in place
            mi *= 0.9; np.multiply(g, 0.1, out=tmp); mi += tmp
            vi *= 0.999; np.multiply(g, g, out=tmp); tmp *= 0.001; vi += tmp
            np.sqrt(vi, out=tmp); tmp *= 1 / np.sqrt(1 - 0.999 ** t); tmp += 1e-8
            np.divide(mi, tmp, out=tmp); tmp *= 1e-3 / (1 - 0.9 ** t); param -= tmp

def step_phases(batch_size, steps=300):
    "Mean microseconds per phase of a maxine training step"
    maxine.manual_seed(0)
    model = mnist_mlp()
    opt = optim.Adam(model.parameters(), lr=1e-3)
    it, totals = iter(loader(batch_size)), dict.fromkeys(['data loading', 'forward', 'loss', 'backward', 'optimizer step'], 0.)
    clock = time.process_time
    for _ in range(steps):
        t0 = clock(); xb, yb = next(it)
        t1 = clock(); out = model(xb)
        t2 = clock(); loss = F.cross_entropy(out, yb)
        t3 = clock(); opt.zero_grad(); loss.backward()
        t4 = clock(); opt.step()
        t5 = clock()
        for k, (a, b) in zip(totals, [(t0, t1), (t1, t2), (t2, t3), (t3, t4), (t4, t5)]): totals[k] += b - a
    return {k: v / steps * 1e6 for k, v in totals.items()}

def main(rounds=3):
    print(machine_line() + "\n")
    print("| one epoch, 784-128-10 MLP, Adam | maxine s (CPU) | PyTorch s (CPU) | maxine / PyTorch | NumPy floor s (CPU) | wall s: maxine, PyTorch |")
    print("|---|---:|---:|---:|---:|---:|")
    for bs in (64, 512):
        batches = [(xb.detach().numpy(), yb.detach().numpy()) for xb, yb in loader(bs)]           # the same batches for all three
        maxine_batches = [(maxine.tensor(x), maxine.tensor(y)) for x, y in batches]
        maxine.manual_seed(0)
        model = mnist_mlp()
        fns = {'maxine': maxine_epoch(model, maxine_batches), 'torch': torch_epoch(torch_twin(model), batches),
               'numpy': numpy_epoch(model, batches)}
        (mw, mc), (tw, tc), (_, fc) = interleaved(fns, rounds).values()
        print(f"| batch {bs} | {mc:.2f} | {tc:.2f} | {mc / tc:.2f} | {fc:.2f} | {mw:.2f}, {tw:.2f} |")
    print("\n| maxine step, batch 64 | µs (CPU) |")
    print("|---|---:|")
    for phase, us in step_phases(64).items(): print(f"| {phase} | {us:.0f} |")

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--rounds', type=int, default=3)
    main(p.parse_args().rounds)
