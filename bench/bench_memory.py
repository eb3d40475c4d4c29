"""Memory of training the 784-128-10 MLP on full MNIST (Adam, batch 64): peak RSS of one epoch in maxine beside
PyTorch (each in a fresh process), and maxine's memory after 200 and after 2,000 steps (graphs must be freed).

    MAXINE_DATA=../shared/data/mnist python bench/bench_memory.py"""
import os, resource, subprocess, sys, json

def rss_mb():
    "Resident memory now, in MB (Linux /proc)"
    with open('/proc/self/statm') as f: return int(f.read().split()[1]) * os.sysconf('SC_PAGE_SIZE') / 2**20

def child(lib):
    "Train one epoch in this process; print peak RSS and RSS after 200 and 2000 steps as JSON"
    from maxine.data import MNIST, MNIST_MEAN, MNIST_STD
    from maxine.utils.data import DataLoader
    from maxine.transforms import Compose, ToFloat, Normalize, FlattenImage
    tfm = Compose([ToFloat(), Normalize(MNIST_MEAN, MNIST_STD), FlattenImage()])
    dl = DataLoader(MNIST(train=True, transform=tfm), 64, shuffle=True, seed=0)
    if lib == 'maxine':
        from maxine import nn, optim
        import maxine.nn.functional as F
        model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
        opt = optim.Adam(model.parameters(), lr=1e-3)
        def step(xb, yb):
            loss = F.cross_entropy(model(xb), yb); opt.zero_grad(); loss.backward(); opt.step()
    else:
        import torch
        model = torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        def step(xb, yb):
            loss = torch.nn.functional.cross_entropy(model(torch.from_numpy(xb.detach().numpy())), torch.from_numpy(yb.detach().numpy()))
            opt.zero_grad(); loss.backward(); opt.step()
    marks, n = {}, 0
    for epoch in range(3):
        for xb, yb in dl:
            step(xb, yb); n += 1
            if n in (200, 2000): marks[n] = rss_mb()
        if epoch == 0: marks['peak_one_epoch'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        if n >= 2000: break
    print(json.dumps(marks))

def main():
    results = {}
    for lib in ('maxine', 'torch'):
        out = subprocess.run([sys.executable, __file__, '--child', lib], capture_output=True, text=True, check=True).stdout
        results[lib] = json.loads(out.strip().splitlines()[-1])
    m, t = results['maxine'], results['torch']
    from common import machine_line          # here, not at the top: the measured children import only what they use
    print(machine_line() + "\n")
    print("| memory, 784-128-10 MLP on MNIST, batch 64 | maxine MB | PyTorch MB |")
    print("|---|---:|---:|")
    print(f"| peak RSS, one epoch (the process, data included) | {m['peak_one_epoch']:.0f} | {t['peak_one_epoch']:.0f} |")
    print(f"| RSS after 200 steps | {m['200']:.0f} | {t['200']:.0f} |")
    print(f"| RSS after 2,000 steps | {m['2000']:.0f} | {t['2000']:.0f} |")
    print(f"\nmaxine's growth from step 200 to step 2,000: {m['2000'] - m['200']:+.1f} MB")

if __name__ == '__main__':
    if len(sys.argv) == 3 and sys.argv[1] == '--child': child(sys.argv[2])
    else: main()
