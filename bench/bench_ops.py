"""Per-op cost of maxine beside PyTorch: forward + backward, gradient tracking on, same inputs, same run.

    python bench/bench_ops.py [--rounds 9]

Prints a Markdown table of microseconds per op: CPU time (the median over rounds in which maxine, PyTorch and the
NumPy floor take turns), wall time beside it, and the ratio maxine / PyTorch of CPU times. The NumPy floor is the same
arithmetic written directly in NumPy, which no NumPy-based framework can beat."""
import argparse, time, timeit
from common import machine_line, interleaved, torch_with_threads
import numpy as np
import maxine
torch = torch_with_threads()

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

def repeated(fn):
    """`fn` called enough times in a row to take about 0.05 s, and how many times that is (after 0.3 s of warm-up:
    PyTorch's first thousand small ops run ten times slower than the rest)"""
    warm = time.perf_counter() + 0.3
    while time.perf_counter() < warm: fn()
    number = max(1, int(0.05 / max(timeit.timeit(fn, number=20) / 20, 1e-7)))
    def run():
        for _ in range(number): fn()
    return run, number

def main(rounds=9):
    print(machine_line() + "\n")
    print("| op (forward + backward) | maxine µs (CPU) | PyTorch µs (CPU) | maxine / PyTorch | NumPy floor µs (CPU) | wall µs: maxine, PyTorch |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, (shapes, op, op_np) in cases().items():
        fns, numbers = {}, {}
        for who, fn in (('maxine', step_fn('maxine', shapes, op)), ('torch', step_fn('torch', shapes, op)),
                        ('numpy', numpy_fn(shapes, op, op_np))):
            fns[who], numbers[who] = repeated(fn)
        times = {who: tuple(t / numbers[who] * 1e6 for t in wall_cpu) for who, wall_cpu in interleaved(fns, rounds).items()}
        (mw, mc), (tw, tc), (_, fc) = times['maxine'], times['torch'], times['numpy']
        print(f"| {name} | {mc:.1f} | {tc:.1f} | {mc / tc:.2f} | {fc:.1f} | {mw:.1f}, {tw:.1f} |")

if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--rounds', type=int, default=9, help='rounds of turns; the median is reported')
    main(parser.parse_args().rounds)
