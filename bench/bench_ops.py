"""Per-op cost of maxine beside PyTorch: forward + backward, gradient tracking on, same inputs, same run.

    python bench/bench_ops.py [--repeat 7]

Prints a Markdown table of microseconds per op (median over repeats), the ratio maxine / PyTorch, and the NumPy
floor: the same arithmetic written directly in NumPy, which no NumPy-based framework can beat."""
import argparse, statistics, timeit
import numpy as np
import torch
import maxine
from common import machine_line

ROWS = np.random.default_rng(1).integers(0, 1000, 64)     # rows picked by the indexing case (some repeat)

def pick_rows(a): return a[torch.from_numpy(ROWS)] if isinstance(a, torch.Tensor) else a[ROWS]

def cases():
    "name -> (shapes of the inputs, the op, the same forward and backward written directly in NumPy)"
    def add_np(a, b, g): return a + b, g, g
    def pick_rows_np(a, g):
        grad = np.zeros_like(a); np.add.at(grad, ROWS, g)
        return a[ROWS], grad
    def slice_np(a, g):
        grad = np.zeros_like(a); grad[:, 8:72] = g
        return a[:, 8:72], grad
    def matmul_np(a, b, g): return a @ b, g @ b.T, a.T @ g
    def sum_np(a, g): return a.sum(), np.broadcast_to(g, a.shape).copy()
    def relu_np(a, g): return np.maximum(a, 0), g * (a > 0)
    return {
        'add, 10 floats': ([(10,), (10,)], lambda a, b: a + b, add_np),
        'matmul 64x784 @ 784x128': ([(64, 784), (784, 128)], lambda a, b: a @ b, matmul_np),
        'sum, 64x128': ([(64, 128)], lambda a: a.sum(), sum_np),
        'relu, 64x128': ([(64, 128)], lambda a: a.relu(), relu_np),
        'index: 64 rows by an integer array, of 1000x128': ([(1000, 128)], pick_rows, pick_rows_np),
        'slice: columns 8:72 of 64x128': ([(64, 128)], lambda a: a[:, 8:72], slice_np),
    }

def numpy_fn(shapes, op, op_np):
    "The NumPy floor: the same arithmetic with no framework around it"
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s).astype(np.float32) for s in shapes]
    with torch.no_grad(): out_shape = tuple(op(*[torch.tensor(a) for a in arrays]).shape)
    g = np.ones(out_shape, np.float32)
    return lambda: op_np(*arrays, g)

def step_fn(lib, shapes, op):
    "A function doing one forward and backward of `op` on fresh float32 inputs that require grad"
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s).astype(np.float32) for s in shapes]
    make = (lambda a: maxine.tensor(a, requires_grad=True)) if lib == 'maxine' else (lambda a: torch.tensor(a, requires_grad=True))
    inputs = [make(a) for a in arrays]
    out = op(*inputs)
    upstream = (np.ones(out.shape, np.float32) if lib == 'maxine' else torch.ones(out.shape))
    def step():
        for t in inputs: t.grad = None
        op(*inputs).backward(upstream)
    return step

def time_us(fn, repeat):
    number = max(1, int(0.2 / max(timeit.timeit(fn, number=3) / 3, 1e-7)))   # about 0.2 s per repeat
    return statistics.median(timeit.repeat(fn, number=number, repeat=repeat)) / number * 1e6

def main(repeat=7):
    print(machine_line() + "\n")
    print("| op (forward + backward) | maxine µs | PyTorch µs | maxine / PyTorch | NumPy floor µs |")
    print("|---|---:|---:|---:|---:|")
    for name, (shapes, op, op_np) in cases().items():
        m = time_us(step_fn('maxine', shapes, op), repeat)
        t = time_us(step_fn('torch', shapes, op), repeat)
        floor = time_us(numpy_fn(shapes, op, op_np), repeat)
        print(f"| {name} | {m:.1f} | {t:.1f} | {m / t:.2f} | {floor:.1f} |")

if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--repeat', type=int, default=7, help='timing repeats; the median is reported')
    main(parser.parse_args().repeat)
