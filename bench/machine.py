"The machine line every benchmark prints: cores, Python, NumPy and its BLAS, PyTorch and its threads, maxine."
import os, platform
import numpy as np
import maxine

def machine_line():
    blas = np.show_config(mode='dicts')['Build Dependencies']['blas']
    line = (f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, NumPy {np.__version__} "
            f"({blas.get('name')} {blas.get('version', '')}".rstrip() + ")")
    try:
        import torch
        line += f", PyTorch {torch.__version__} ({torch.get_num_threads()} threads)"
    except ImportError: pass
    return line + f", maxine {maxine.__version__}"
