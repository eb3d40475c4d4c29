"""One training epoch of the MNIST CNN (`maxine-train --model cnn`) in maxine beside the same network in PyTorch.

    MAXINE_DATA=../shared/data/mnist python bench/bench_cnn.py [--batches N]

Same layers, same starting weights, same batches (64 images), AdamW, float32. --batches times only the first N
batches of the epoch (both libraries alike) and scales the time to a whole epoch."""
import argparse, time
import torch
import maxine
from common import machine_line, torch_twin
from maxine import optim
import maxine.nn.functional as F
from maxine.cli import make_model, make_dls

def epoch_seconds(step, dl, batches):
    n = len(dl) if batches is None else min(batches, len(dl))
    start = time.perf_counter()
    for i, (xb, yb) in enumerate(dl):
        if i == n: break
        step(xb, yb)
    return (time.perf_counter() - start) * len(dl) / n

def main(batches=None):
    maxine.manual_seed(0)
    dls, _, _ = make_dls('mnist', 64, 0)
    model = make_model('cnn', 10)
    twin = torch_twin(model)
    opt = optim.AdamW(model.parameters(), lr=1e-3)
    def maxine_step(xb, yb):
        loss = F.cross_entropy(model(xb), yb); opt.zero_grad(); loss.backward(); opt.step()
    topt = torch.optim.AdamW(twin.parameters(), lr=1e-3)
    def torch_step(xb, yb):
        loss = torch.nn.functional.cross_entropy(twin(torch.from_numpy(xb.detach().numpy())), torch.from_numpy(yb.detach().numpy()))
        topt.zero_grad(); loss.backward(); topt.step()
    m = epoch_seconds(maxine_step, dls.train, batches)
    t = epoch_seconds(torch_step, dls.train, batches)
    print(machine_line() + "\n")
    what = 'one epoch' if batches is None else f'one epoch, scaled from {min(batches, len(dls.train))} batches'
    print(f"| MNIST CNN, batch 64, {what} | seconds |")
    print("|---|---:|")
    print(f"| maxine | {m:.1f} |")
    print(f"| PyTorch | {t:.1f} |")
    print(f"| maxine / PyTorch | {m / t:.2f} |")

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--batches', type=int, default=None, help='time only the first N batches and scale to an epoch')
    main(p.parse_args().batches)
