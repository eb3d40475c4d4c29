"What the benchmarks share: the machine line each prints, and PyTorch twins of maxine models."
import os, platform
import numpy as np
import maxine

def machine_line():
    "Cores, Python, NumPy and its BLAS, PyTorch and its threads, maxine: what a benchmark's numbers depend on"
    blas = np.show_config(mode='dicts')['Build Dependencies']['blas']
    line = (f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, NumPy {np.__version__} "
            f"({blas.get('name')} {blas.get('version', '')}".rstrip() + ")")
    try:
        import torch
        line += f", PyTorch {torch.__version__} ({torch.get_num_threads()} threads)"
    except ImportError: pass
    return line + f", maxine {maxine.__version__}"

def torch_twin(model):
    "The same network (a maxine Sequential) in PyTorch, with the same weights, loaded from maxine's state dict as it is"
    import torch
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
    twin.load_state_dict({k: torch.from_numpy(v.numpy().copy()) for k, v in model.state_dict().items()})
    return twin
