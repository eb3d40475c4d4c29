"""Data-parallel training on this machine: an MNIST epoch of the MLP and the CNN of `maxine-train` on 1 and 2 ranks,
maxine (MPI through mpi4py, `mpirun`) beside PyTorch's DDP (its `gloo` backend, started the same way), one BLAS thread
per rank; and the time of one all-reduce against the message's size.

    MAXINE_DATA=../shared/data/mnist python bench/bench_ddp.py [--batches 150] [--json results.json]

Each run trains the first `--batches` global batches of 64 images (each rank its share) after 5 warm-up steps, and
the time is scaled to the epoch's 938 batches. Speed-up is one rank's time over two ranks'; efficiency is speed-up
over the number of ranks."""
import argparse, json, os, shutil, subprocess, sys, time
from pathlib import Path

HERE = Path(__file__).resolve().parent
MPIRUN = shutil.which('mpirun', path=str(Path(sys.executable).parent) + os.pathsep + os.environ.get('PATH', ''))
EPOCH = 938

def rank_and_world():
    "This process's rank and the number of processes mpirun started"
    for rank, size in (('PMI_RANK', 'PMI_SIZE'), ('OMPI_COMM_WORLD_RANK', 'OMPI_COMM_WORLD_SIZE')):
        if rank in os.environ: return int(os.environ[rank]), int(os.environ[size])
    return 0, 1

def batches(n):
    "The first n global batches of 64 MNIST images (flat, normalized) and labels, as arrays"
    from maxine.data import image_dls
    dls, _, _ = image_dls('mnist', 64, 0)
    out = []
    for xb, yb in dls.train:
        out.append((xb.numpy(), yb.numpy()))
        if len(out) == n: return out

def maxine_worker(model_name, n):
    import maxine, maxine.distributed as dist
    from maxine import optim
    import maxine.nn.functional as F
    from maxine.models import image_model
    from maxine.nn.parallel import DistributedDataParallel
    rank, world = rank_and_world()
    if world > 1: dist.init_process_group('mpi')
    data = batches(n + 5)
    maxine.manual_seed(0)
    model = image_model(model_name, 10)
    if world > 1: model = DistributedDataParallel(model)
    opt = optim.AdamW(model.parameters(), lr=1e-3)
    share = 64 // world
    def step(xb, yb):
        xb, yb = maxine.tensor(xb[rank * share:(rank + 1) * share]), maxine.tensor(yb[rank * share:(rank + 1) * share])
        loss = F.cross_entropy(model(xb), yb); opt.zero_grad(); loss.backward(); opt.step()
    return run_steps(step, data, world, dist.barrier if world > 1 else None)

def torch_worker(model_name, n):
    import torch, torch.distributed as dist
    torch.set_num_threads(1)
    rank, world = rank_and_world()
    if world > 1:
        os.environ.setdefault('MASTER_ADDR', '127.0.0.1'); os.environ.setdefault('MASTER_PORT', '29533')
        dist.init_process_group('gloo', rank=rank, world_size=world)
    sys.path.insert(0, str(HERE))
    from common import torch_twin
    from maxine.models import image_model
    import maxine
    maxine.manual_seed(0)
    model = torch_twin(image_model(model_name, 10))
    if world > 1: model = torch.nn.parallel.DistributedDataParallel(model)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    data = batches(n + 5)
    share = 64 // world
    def step(xb, yb):
        xb, yb = torch.from_numpy(xb[rank * share:(rank + 1) * share]), torch.from_numpy(yb[rank * share:(rank + 1) * share])
        loss = torch.nn.functional.cross_entropy(model(xb), yb); opt.zero_grad(); loss.backward(); opt.step()
    return run_steps(step, data, world, dist.barrier if world > 1 else None)

def run_steps(step, data, world, barrier):
    "Seconds for the steps after the 5 warm-up ones (every rank starts together)"
    for xb, yb in data[:5]: step(xb, yb)
    if barrier: barrier()
    start = time.perf_counter()
    for xb, yb in data[5:]: step(xb, yb)
    if barrier: barrier()
    return time.perf_counter() - start

def allreduce_worker():
    "Milliseconds of one all-reduce of each size (MB), through maxine.distributed"
    import numpy as np, maxine, maxine.distributed as dist
    dist.init_process_group('mpi')
    times = {}
    for mb in (0.001, 0.01, 0.1, 0.5, 1, 2, 4, 8, 16, 32):
        t = maxine.tensor(np.ones(int(mb * 2 ** 20 / 4), np.float32))
        for _ in range(3): dist.all_reduce(t)
        repeats = max(5, int(0.3 / max(mb * 1e-3, 1e-4)))
        dist.barrier(); start = time.perf_counter()
        for _ in range(repeats): dist.all_reduce(t)
        dist.barrier()
        times[mb] = (time.perf_counter() - start) / repeats * 1e3
    return times

def launch(ranks, *args):
    "Run this script as a worker on `ranks` processes; what rank 0 reported"
    env = {**os.environ, 'OMP_NUM_THREADS': '1', 'OPENBLAS_NUM_THREADS': '1', 'MKL_NUM_THREADS': '1'}
    done = subprocess.run([MPIRUN, '-n', str(ranks), sys.executable, __file__, '--worker', *args],
                          capture_output=True, text=True, env=env, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])

def main(n, json_path=None):
    sys.path.insert(0, str(HERE))
    from common import machine_line
    print(machine_line().replace('1 thread for each library', '1 BLAS thread per rank') + "\n")
    results = {}
    print("| MNIST epoch (scaled), batch 64 | maxine 1 rank s | maxine 2 ranks s | maxine speed-up (efficiency) | "
          "PyTorch 1 rank s | PyTorch 2 ranks s | PyTorch speed-up (efficiency) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for model in ('mlp', 'cnn'):
        row = {(lib, r): launch(r, lib, model, str(n)) * EPOCH / n for lib in ('maxine', 'torch') for r in (1, 2)}
        results[model] = {f"{lib}_{r}": s for (lib, r), s in row.items()}
        speed = {lib: row[(lib, 1)] / row[(lib, 2)] for lib in ('maxine', 'torch')}
        print(f"| {model} | {row[('maxine', 1)]:.1f} | {row[('maxine', 2)]:.1f} | {speed['maxine']:.2f} ({speed['maxine'] / 2:.0%}) | "
              f"{row[('torch', 1)]:.1f} | {row[('torch', 2)]:.1f} | {speed['torch']:.2f} ({speed['torch'] / 2:.0%}) |")
    times = launch(2, 'allreduce')
    results['allreduce_ms'] = times
    print("\n| all-reduce over 2 ranks, MB | ms | GB/s |\n|---:|---:|---:|")
    for mb, ms in times.items(): print(f"| {mb} | {ms:.3f} | {float(mb) / ms:.2f} |")
    if json_path: Path(json_path).write_text(json.dumps(results, indent=1))

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--batches', type=int, default=150)
    p.add_argument('--json')
    p.add_argument('--worker', nargs='+')
    a = p.parse_args()
    if a.worker:
        kind, *rest = a.worker
        result = allreduce_worker() if kind == 'allreduce' else (maxine_worker if kind == 'maxine' else torch_worker)(rest[0], int(rest[1]))
        if rank_and_world()[0] == 0: print(json.dumps(result))
    else: main(a.batches, a.json)
