"""Where a training step of the MNIST CNN (`maxine-train --model cnn`) spends its time, layer by layer, in maxine and
in PyTorch (torch.profiler), on the same batches.

    MAXINE_DATA=../shared/data/mnist python bench/profile_cnn.py [--steps N]

maxine's forward is timed module by module; its backward with Python's profiler, as the time spent in each
`autograd.Function`'s `backward`. Times are milliseconds per step, averaged over N steps after 10 warm-up steps."""
import argparse, collections, cProfile, inspect, pstats, time
from common import machine_line, torch_twin, torch_with_threads
import maxine
torch = torch_with_threads()
from maxine import optim
import maxine.nn.functional as F
from maxine.data import image_dls
from maxine.models import image_model

def backward_methods():
    "(file, first line, 'backward') of each autograd.Function's own backward -> the Function's name"
    found, stack = {}, [maxine.autograd.Function]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        method = cls.__dict__.get('backward')
        if method is None: continue
        code = inspect.unwrap(getattr(method, '__func__', method)).__code__       # under once_differentiable's wrapper
        found[(code.co_filename, code.co_firstlineno, code.co_name)] = cls.__name__
    return found

def time_backward(loss, totals, names):
    "Run loss.backward() under the profiler; add each Function's backward time to totals[its name]"
    profiler = cProfile.Profile()
    profiler.runcall(loss.backward)
    for key, (_, _, _, cumulative, _) in pstats.Stats(profiler).stats.items():
        if key in names: totals[names[key]] += cumulative

def maxine_profile(model, batches, warmup=10):
    opt = optim.AdamW(model.parameters(), lr=1e-3)
    forward, backward, optimizer = collections.defaultdict(float), collections.defaultdict(float), [0.]
    names = backward_methods()
    for i, (xb, yb) in enumerate(batches):
        timing, x = i >= warmup, xb
        for k, layer in enumerate(model):
            start = time.perf_counter(); x = layer(x)
            if timing: forward[f"{k} {type(layer).__name__} {tuple(x.shape)}"] += time.perf_counter() - start
        loss = F.cross_entropy(x, yb)
        opt.zero_grad()
        time_backward(loss, backward, names) if timing else loss.backward()
        start = time.perf_counter(); opt.step()
        if timing: optimizer[0] += time.perf_counter() - start
    return forward, backward, optimizer[0]

def torch_profile(twin, batches, warmup=10):
    from torch.profiler import profile
    opt = torch.optim.AdamW(twin.parameters(), lr=1e-3)
    def step(xb, yb):
        loss = torch.nn.functional.cross_entropy(twin(torch.from_numpy(xb.detach().numpy())), torch.from_numpy(yb.detach().numpy()))
        opt.zero_grad(); loss.backward(); opt.step()
    for xb, yb in batches[:warmup]: step(xb, yb)
    with profile() as prof:
        for xb, yb in batches[warmup:]: step(xb, yb)
    return sorted(((e.key, e.self_cpu_time_total / 1e3) for e in prof.key_averages()), key=lambda kv: -kv[1])

def main(steps=50):
    maxine.manual_seed(0)
    dls, _, _ = image_dls('mnist', 64, 0)
    batches = [b for b, _ in zip(dls.train, range(steps + 10))]
    model = image_model('cnn', 10)
    twin = torch_twin(model)
    forward, backward, optimizer = maxine_profile(model, batches)
    ms = lambda seconds: f"{seconds / steps * 1e3:.2f}"
    print(machine_line() + "\n")
    print("| maxine forward, layer (output shape) | ms per step |\n|---|---:|")
    for key, seconds in forward.items(): print(f"| {key} | {ms(seconds)} |")
    print("\n| maxine backward, by autograd.Function | ms per step |\n|---|---:|")
    for key, seconds in sorted(backward.items(), key=lambda kv: -kv[1]): print(f"| {key} | {ms(seconds)} |")
    print(f"\nmaxine: forward {ms(sum(forward.values()))}, backward {ms(sum(backward.values()))}, "
          f"optimizer {ms(optimizer)} ms per step\n")
    print("| PyTorch op (self CPU time, top 12) | ms per step |\n|---|---:|")
    for key, total_ms in torch_profile(twin, batches)[:12]: print(f"| {key} | {total_ms / steps:.2f} |")

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--steps', type=int, default=50, help='steps to time after 10 warm-up steps')
    main(p.parse_args().steps)
