"""maxine beside PyTorch on full MNIST: the same MLP, optimizer, schedule, batches and epochs; accuracy and time.

    MAXINE_DATA=../shared/data/mnist python bench/compare_mnist_torch.py [--epochs 10]

Both train the `maxine-train --data mnist` model (784-512-256-10, ReLU, dropout 0.2) with AdamW and a one-cycle
schedule peaking at lr 2e-3, batch 64, on the same shuffled batches, from the same starting weights, in float32."""
import argparse, time
import numpy as np
import torch
import maxine
from common import machine_line, torch_twin
from maxine.learner import Learner
from maxine.data import image_dls
from maxine.models import image_model
from maxine.cli import OPTIMIZERS

def train_torch(model, dls, epochs, lr):
    opt = torch.optim.AdamW(model.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, lr, total_steps=epochs * len(dls.train))
    times = []
    for epoch in range(epochs):
        start = time.perf_counter()
        model.train()
        for xb, yb in dls.train:
            loss = torch.nn.functional.cross_entropy(model(torch.from_numpy(xb.detach().numpy())), torch.from_numpy(yb.detach().numpy()))
            opt.zero_grad(); loss.backward(); opt.step(); sched.step()
        times.append(time.perf_counter() - start)
    model.eval()
    correct = 0
    with torch.no_grad():
        for xb, yb in dls.valid: correct += (model(torch.from_numpy(xb.detach().numpy())).argmax(1).numpy() == yb.detach().numpy()).sum()
    return correct / len(dls.valid.dataset), float(np.median(times))

def main(epochs=10, lr=2e-3, seed=0):
    maxine.manual_seed(seed)
    dls, n_classes, _ = image_dls('mnist', 64, seed)
    model = image_model('mlp', n_classes)
    twin = torch_twin(model)
    learn = Learner(model, dls, opt_func=OPTIMIZERS['adamw'], lr=lr, quiet=True)
    start = time.perf_counter(); learn.fit_one_cycle(epochs, lr); m_seconds = (time.perf_counter() - start) / epochs
    m_acc = learn.recorder.epochs[-1]['accuracy']
    torch.manual_seed(seed)
    dls_t, _, _ = image_dls('mnist', 64, seed)                 # same seed: the same batches in the same order
    t_acc, t_seconds = train_torch(twin, dls_t, epochs, lr)
    print(machine_line() + "\n")
    print(f"| {epochs} epochs, MNIST MLP | test accuracy | seconds per epoch |")
    print("|---|---:|---:|")
    print(f"| maxine | {m_acc:.4f} | {m_seconds:.2f} |")
    print(f"| PyTorch | {t_acc:.4f} | {t_seconds:.2f} |")
    print(f"| difference (maxine - PyTorch) | {100 * (m_acc - t_acc):+.2f} points | ratio {m_seconds / t_seconds:.2f} |")

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--epochs', type=int, default=10)
    main(p.parse_args().epochs)
