"""One epoch of a 784-128-10 MLP on MNIST (Adam, float32, data in memory) in maxine beside PyTorch, and where the
time of a training step goes.

    MAXINE_DATA=../shared/data/mnist python bench/bench_mlp.py

Both libraries see the same batches (one maxine DataLoader, its arrays handed to PyTorch without a copy) and start
from the same weights. The NumPy floor is the same forward, backward and Adam written directly in NumPy."""
import time
import numpy as np
import torch
import maxine
from common import machine_line, torch_twin
from maxine import nn, optim
import maxine.nn.functional as F
from maxine.data import MNIST, MNIST_MEAN, MNIST_STD
from maxine.utils.data import DataLoader
from maxine.transforms import Compose, ToFloat, Normalize, FlattenImage

def loader(batch_size):
    tfm = Compose([ToFloat(), Normalize(MNIST_MEAN, MNIST_STD), FlattenImage()])
    return DataLoader(MNIST(train=True, transform=tfm), batch_size, shuffle=True, seed=0)

def maxine_epoch(batches):
    maxine.manual_seed(0)
    model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    opt = optim.Adam(model.parameters(), lr=1e-3)
    start = time.perf_counter()
    for xb, yb in batches:
        loss = F.cross_entropy(model(xb), yb)
        opt.zero_grad(); loss.backward(); opt.step()
    return time.perf_counter() - start, model

def torch_epoch(batches, like):
    model = torch_twin(like)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    start = time.perf_counter()
    for xb, yb in batches:
        loss = torch.nn.functional.cross_entropy(model(torch.from_numpy(xb)), torch.from_numpy(yb))
        opt.zero_grad(); loss.backward(); opt.step()
    return time.perf_counter() - start

def numpy_epoch(batches, like):
    "The floor: forward, backward and Adam by hand in NumPy, no framework"
    params = [like[0].w.detach().numpy().copy(), like[0].b.detach().numpy().copy(), like[2].w.detach().numpy().copy(), like[2].b.detach().numpy().copy()]
    m, v, scratch = ([np.zeros_like(p) for p in params] for _ in range(3))
    start = time.perf_counter()
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
    return time.perf_counter() - start

def step_phases(batch_size, steps=300):
    "Mean microseconds per phase of a maxine training step"
    maxine.manual_seed(0)
    model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    opt = optim.Adam(model.parameters(), lr=1e-3)
    it, totals = iter(loader(batch_size)), dict.fromkeys(['data loading', 'forward', 'loss', 'backward', 'optimizer step'], 0.)
    for _ in range(steps):
        t0 = time.perf_counter(); xb, yb = next(it)
        t1 = time.perf_counter(); out = model(xb)
        t2 = time.perf_counter(); loss = F.cross_entropy(out, yb)
        t3 = time.perf_counter(); opt.zero_grad(); loss.backward()
        t4 = time.perf_counter(); opt.step()
        t5 = time.perf_counter()
        for k, (a, b) in zip(totals, [(t0, t1), (t1, t2), (t2, t3), (t3, t4), (t4, t5)]): totals[k] += b - a
    return {k: v / steps * 1e6 for k, v in totals.items()}

def main():
    print(machine_line() + "\n")
    print("| one epoch, 784-128-10 MLP, Adam | maxine s | PyTorch s | maxine / PyTorch | NumPy floor s |")
    print("|---|---:|---:|---:|---:|")
    for bs in (64, 512):
        batches = [(xb.detach().numpy(), yb.detach().numpy()) for xb, yb in loader(bs)]           # the same batches for all three
        maxine_batches = [(maxine.tensor(x), maxine.tensor(y)) for x, y in batches]
        m, model = maxine_epoch(maxine_batches)
        t = torch_epoch(batches, model)
        floor = numpy_epoch(batches, model)
        print(f"| batch {bs} | {m:.2f} | {t:.2f} | {m / t:.2f} | {floor:.2f} |")
    print("\n| maxine step, batch 64 | µs |")
    print("|---|---:|")
    for phase, us in step_phases(64).items(): print(f"| {phase} | {us:.0f} |")

if __name__ == '__main__':
    main()
