"""Training the MNIST CNN (`maxine-train --model cnn`) in maxine beside the same network in PyTorch.

    MAXINE_DATA=../shared/data/mnist python bench/bench_cnn.py [--batches 200] [--rounds 3]

Same layers, same starting weights, same batches (64 images), AdamW, float32. Each library trains on the first
`--batches` batches of an epoch, in turns, for `--rounds` rounds (training on from round to round); the median time
is scaled to a whole epoch (938 batches)."""
import argparse
from common import machine_line, torch_twin, torch_with_threads, interleaved, mnist_loader, mnist_cnn
import maxine
from maxine import optim
import maxine.nn.functional as F
torch = torch_with_threads()

def main(batches=200, rounds=3):
    dl = mnist_loader(64)
    data = [b for b, _ in zip(dl, range(batches))]
    torch_data = [(torch.from_numpy(xb.detach().numpy()), torch.from_numpy(yb.detach().numpy())) for xb, yb in data]
    maxine.manual_seed(0)
    model = mnist_cnn()
    twin = torch_twin(model)
    opt, topt = optim.AdamW(model.parameters(), lr=1e-3), torch.optim.AdamW(twin.parameters(), lr=1e-3)
    def maxine_batches():
        for xb, yb in data:
            loss = F.cross_entropy(model(xb), yb); opt.zero_grad(); loss.backward(); opt.step()
    def torch_batches():
        for xb, yb in torch_data:
            loss = torch.nn.functional.cross_entropy(twin(xb), yb); topt.zero_grad(); loss.backward(); topt.step()
    scale = len(dl) / len(data)
    (mw, mc), (tw, tc) = (tuple(t * scale for t in times) for times in
                          interleaved({'maxine': maxine_batches, 'torch': torch_batches}, rounds).values())
    print(machine_line() + "\n")
    print(f"| MNIST CNN, batch 64, one epoch (scaled from {len(data)} batches) | seconds (CPU) | seconds (wall) |")
    print("|---|---:|---:|")
    print(f"| maxine | {mc:.1f} | {mw:.1f} |")
    print(f"| PyTorch | {tc:.1f} | {tw:.1f} |")
    print(f"| maxine / PyTorch | {mc / tc:.2f} | {mw / tw:.2f} |")

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--batches', type=int, default=200, help='time the first N batches and scale to an epoch')
    p.add_argument('--rounds', type=int, default=3)
    a = p.parse_args()
    main(a.batches, a.rounds)
