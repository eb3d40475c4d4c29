"""What data loading costs: one epoch of MNIST batches beside one training epoch of an MLP on them.

    MAXINE_DATA=../shared/data/mnist python bench/bench_data.py

The DataLoader fetches a batch with one fancy-index per array (images are normalised and flattened per batch).
Target: loading is under 5% of a training epoch (784-128-10 MLP, Adam, batch 64, float32)."""
import time
import maxine
from common import machine_line
from maxine import nn, optim
import maxine.nn.functional as F
from maxine.data import MNIST, MNIST_MEAN, MNIST_STD
from maxine.utils.data import DataLoader
from maxine.transforms import Compose, ToFloat, Normalize, FlattenImage

def timed(fn):
    start = time.perf_counter(); fn(); return time.perf_counter() - start

def main(batch_size=64):
    tfm = Compose([ToFloat(), Normalize(MNIST_MEAN, MNIST_STD), FlattenImage()])
    dl = DataLoader(MNIST(train=True, transform=tfm), batch_size, shuffle=True, seed=0)
    def load_only():
        for xb, yb in dl: pass
    maxine.manual_seed(0)
    model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    opt = optim.Adam(model.parameters(), lr=1e-3)
    def train_epoch():
        for xb, yb in dl:
            loss = F.cross_entropy(model(xb), yb)
            opt.zero_grad(); loss.backward(); opt.step()
    load_only()                                       # warm up (file cache, allocations)
    load = min(timed(load_only) for _ in range(3))
    train = timed(train_epoch)
    print(machine_line() + "\n")
    print("| work, one epoch of 60,000 MNIST images, batch 64 | seconds |")
    print("|---|---:|")
    print(f"| DataLoader alone (shuffle, to float, normalise, flatten) | {load:.3f} |")
    print(f"| training epoch (784-128-10 MLP, Adam), loading included | {train:.3f} |")
    print(f"| loading / training | {load / train:.1%} |")

if __name__ == '__main__':
    main()
