"""What data loading costs: one epoch of MNIST batches beside one training epoch of an MLP on them.

    MAXINE_DATA=../shared/data/mnist python bench/bench_data.py [--rounds 3]

The DataLoader fetches a batch with one fancy-index per array (images are normalised and flattened per batch).
Target: loading is under 5% of a training epoch (784-128-10 MLP, Adam, batch 64, float32). Loading alone and
training take turns for `--rounds` rounds; the medians are reported."""
import argparse
from common import machine_line, interleaved, mnist_loader, mnist_mlp
import maxine
from maxine import optim
import maxine.nn.functional as F

def main(rounds=3, batch_size=64):
    dl = mnist_loader(batch_size)
    def load_only():
        for xb, yb in dl: pass
    maxine.manual_seed(0)
    model = mnist_mlp()
    opt = optim.Adam(model.parameters(), lr=1e-3)
    def train_epoch():
        for xb, yb in dl:
            loss = F.cross_entropy(model(xb), yb)
            opt.zero_grad(); loss.backward(); opt.step()
    load_only()                                       # warm up (file cache, allocations)
    (load_wall, load), (train_wall, train) = interleaved({'load': load_only, 'train': train_epoch}, rounds).values()
    print(machine_line() + "\n")
    print("| work, one epoch of 60,000 MNIST images, batch 64 | seconds (CPU) | seconds (wall) |")
    print("|---|---:|---:|")
    print(f"| DataLoader alone (shuffle, to float, normalise, flatten) | {load:.3f} | {load_wall:.3f} |")
    print(f"| training epoch (784-128-10 MLP, Adam), loading included | {train:.3f} | {train_wall:.3f} |")
    print(f"| loading / training | {load / train:.1%} | |")

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--rounds', type=int, default=3)
    main(p.parse_args().rounds)
