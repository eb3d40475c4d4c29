"""One training step of the Fashion-MNIST ResNet (10_resnet) and of the diffusion UNet (11_diffusion) in maxine, beside
their PyTorch twins (bench/twins.py): the same weights, the same batch, AdamW, float32.

    python bench/bench_image_models.py [--steps 5] [--rounds 3] [--batch 128]

Random images stand in for Fashion-MNIST (a step costs the same whatever the pixels). Each library runs `--steps`
steps in turn with the other, for `--rounds` rounds; the tables give the median time per step."""
import argparse
from common import machine_line, torch_with_threads, interleaved
import numpy as np
import maxine
from maxine import optim, tensor
import maxine.nn.functional as F
from maxine.resnet import fashion_resnet
from maxine.diffusion import UNet, NoiseSchedule
torch = torch_with_threads()
import twins

def step_pair(model, twin, batch, torch_batch, loss, torch_loss):
    "A training step of `model` and of `twin`, each on its own copy of the batch"
    opt, topt = optim.AdamW(model.parameters(), lr=1e-3), torch.optim.AdamW(twin.parameters(), lr=1e-3)
    def ours():
        out = loss(model(*batch[:-1]), batch[-1]); opt.zero_grad(); out.backward(); opt.step()
    def theirs():
        out = torch_loss(twin(*torch_batch[:-1]), torch_batch[-1]); topt.zero_grad(); out.backward(); topt.step()
    return ours, theirs

def main(steps=5, rounds=3, batch=128):
    rng = np.random.default_rng(0)
    maxine.manual_seed(0)
    resnet = fashion_resnet()
    images, labels = rng.standard_normal((batch, 784)).astype(np.float32), rng.integers(0, 10, batch)
    cases = {'ResNet (10_resnet)': step_pair(resnet, twins.load_weights(twins.fashion_resnet(), resnet),
                                             (tensor(images), tensor(labels)), (torch.from_numpy(images), torch.from_numpy(labels)),
                                             F.cross_entropy, torch.nn.functional.cross_entropy)}
    unet, schedule = UNet(), NoiseSchedule(100)
    x, t, noise = (rng.standard_normal((batch, 1, 28, 28)).astype(np.float32), rng.integers(0, 100, batch),
                   rng.standard_normal((batch, 1, 28, 28)).astype(np.float32))
    cases['UNet (11_diffusion)'] = step_pair(unet, twins.load_weights(twins.UNet(), unet), (tensor(x), tensor(t), tensor(noise)),
                                             tuple(torch.from_numpy(a) for a in (x, t, noise)),
                                             F.mse_loss, torch.nn.functional.mse_loss)
    print(machine_line() + "\n")
    print(f"| one training step, batch {batch} | maxine ms (CPU) | PyTorch ms (CPU) | maxine / PyTorch (CPU) | maxine / PyTorch (wall) |")
    print("|---|---:|---:|---:|---:|")
    for name, (ours, theirs) in cases.items():
        ours(); theirs()                                            # warm up (allocations, first-call costs)
        times = interleaved({'maxine': lambda: [ours() for _ in range(steps)], 'torch': lambda: [theirs() for _ in range(steps)]}, rounds)
        (mw, mc), (tw, tc) = times['maxine'], times['torch']
        print(f"| {name} | {mc / steps * 1e3:.0f} | {tc / steps * 1e3:.0f} | {mc / tc:.2f} | {mw / tw:.2f} |")

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--steps', type=int, default=5)
    p.add_argument('--rounds', type=int, default=3)
    p.add_argument('--batch', type=int, default=128)
    a = p.parse_args()
    main(a.steps, a.rounds, a.batch)
