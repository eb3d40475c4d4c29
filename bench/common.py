"""What the benchmarks share: the thread setting (applied before NumPy and PyTorch load), interleaved timing with
medians of wall and CPU time, the machine line each prints, the MNIST loader and networks they train, and PyTorch twins.

Import this module before NumPy or PyTorch: it sets the threads of both from MAXINE_BENCH_THREADS (default 1), so that
the two libraries do the same work with the same number of cores, and a busy machine slows both alike."""
import os
THREADS = int(os.environ.get('MAXINE_BENCH_THREADS', '1'))
for variable in ('OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS'): os.environ[variable] = str(THREADS)

import platform, statistics, time
import numpy as np
import maxine

def torch_with_threads():
    "PyTorch, limited to THREADS threads"
    import torch
    torch.set_num_threads(THREADS)
    return torch

def interleaved(fns, rounds=5):
    """Call each of `fns` (name -> function) once per round, in turn, for `rounds` rounds; the median wall and CPU
    seconds of each call. Taking turns spreads any change in the machine's load over all of them alike, so the
    ratios hold on a busy machine; CPU time is the time the process itself ran, which a busy machine barely changes."""
    wall, cpu = {name: [] for name in fns}, {name: [] for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            w, c = time.perf_counter(), time.process_time()
            fn()
            wall[name].append(time.perf_counter() - w); cpu[name].append(time.process_time() - c)
    return {name: (statistics.median(wall[name]), statistics.median(cpu[name])) for name in fns}

def machine_line():
    "Cores, threads, Python, NumPy and its BLAS, PyTorch, maxine: what a benchmark's numbers depend on"
    blas = np.show_config(mode='dicts')['Build Dependencies']['blas']
    line = (f"Machine: {os.cpu_count()} cores, {THREADS} thread{'s' if THREADS > 1 else ''} for each library "
            f"(MAXINE_BENCH_THREADS), load average {os.getloadavg()[0]:.1f}, Python {platform.python_version()}, "
            f"NumPy {np.__version__} ({blas.get('name')} {blas.get('version', '')}".rstrip() + ")")
    try:
        import torch
        line += f", PyTorch {torch.__version__}"
    except ImportError: pass
    return line + f", maxine {maxine.__version__} from {os.path.dirname(os.path.dirname(maxine.__file__))}"

def mnist_loader(batch_size, shuffle=True):
    "MNIST's 60,000 training images as flat normalized vectors, in batches"
    from maxine.data import MNIST, MNIST_MEAN, MNIST_STD
    from maxine.utils.data import DataLoader
    from maxine.transforms import Compose, ToFloat, Normalize, FlattenImage
    tfm = Compose([ToFloat(), Normalize(MNIST_MEAN, MNIST_STD), FlattenImage()])
    return DataLoader(MNIST(train=True, transform=tfm), batch_size, shuffle=shuffle, seed=0)

def mnist_mlp():
    "The 784-128-10 MLP the training benchmarks use"
    from maxine import nn
    return nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))

def mnist_cnn():
    "The CNN of `maxine-train --model cnn` (maxine.models.mnist_cnn), built from layers every maxine version has"
    from maxine import nn
    block = lambda c_in, c_out: [nn.Conv2d(c_in, c_out, 3, padding=1), nn.BatchNorm2d(c_out), nn.ReLU()]
    return nn.Sequential(nn.Unflatten(1, (1, 28, 28)), *block(1, 16), nn.MaxPool2d(2), *block(16, 32), nn.MaxPool2d(2),
                         *block(32, 64), nn.Flatten(), nn.Dropout(0.25), nn.Linear(64 * 7 * 7, 10))

def torch_twin(model):
    "The same network (a maxine Sequential) in PyTorch, with the same weights, loaded from maxine's state dict as it is"
    torch = torch_with_threads()
    layers = []
    for m in model:
        name = type(m).__name__
        if name == 'Unflatten': layers.append(torch.nn.Unflatten(m.dim, m.unflattened_size))
        elif name == 'Conv2d': layers.append(torch.nn.Conv2d(m.in_channels, m.out_channels, m.kernel_size, m.stride, m.padding))
        elif name == 'BatchNorm2d': layers.append(torch.nn.BatchNorm2d(m.num_features))
        elif name == 'ReLU': layers.append(torch.nn.ReLU())
        elif name == 'MaxPool2d': layers.append(torch.nn.MaxPool2d(m.kernel_size))
        elif name == 'AdaptiveAvgPool2d': layers.append(torch.nn.AdaptiveAvgPool2d(m.output_size))
        elif name == 'Flatten': layers.append(torch.nn.Flatten())
        elif name == 'Dropout': layers.append(torch.nn.Dropout(m.p))
        elif name == 'Linear': layers.append(torch.nn.Linear(m.in_features, m.out_features))
        else: raise TypeError(f"no PyTorch twin for {name}")
    twin = torch.nn.Sequential(*layers)
    twin.load_state_dict({k: torch.from_numpy(v.detach().numpy().copy()) for k, v in model.state_dict().items()})
    return twin
