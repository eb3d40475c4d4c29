"""Run under `mpirun -n N python collectives_and_ddp.py DTYPE`: the collectives give what they should on every rank, and
DDP's weights after some steps equal one process's trained on the combined batches. Exits non-zero on a mismatch."""
import sys
import numpy as np
import maxine
from maxine import nn, optim, tensor
import maxine.distributed as dist
import maxine.nn.functional as F
from maxine.nn.parallel import DistributedDataParallel

dist.init_process_group('mpi')
rank, world = dist.get_rank(), dist.get_world_size()
dtype = np.float64 if sys.argv[1] == 'float64' else np.float32
tolerance = 1e-10 if dtype == np.float64 else 1e-5

# --- the collectives, in place, on every rank
t = tensor(np.full(3, rank + 1.0, dtype))
dist.all_reduce(t); assert t.tolist() == [world * (world + 1) / 2] * 3, t
for op, expected in ((dist.ReduceOp.MAX, world), (dist.ReduceOp.MIN, 1), (dist.ReduceOp.AVG, (world + 1) / 2),
                     (dist.ReduceOp.PRODUCT, float(np.prod(np.arange(1, world + 1))))):
    t = tensor(np.full(2, rank + 1.0, dtype)); dist.all_reduce(t, op); assert np.allclose(t.numpy(), expected), (op, t)
t = tensor(np.full(2, float(rank), dtype)); dist.broadcast(t, src=world - 1); assert t.tolist() == [world - 1.0] * 2
parts = [tensor(np.zeros(2, dtype)) for _ in range(world)]
dist.all_gather(parts, tensor(np.full(2, float(rank), dtype))); assert [p.tolist()[0] for p in parts] == list(range(world))
t = tensor(np.full(1, 1.0, dtype)); dist.reduce(t, dst=0)
assert t.tolist() == ([float(world)] if rank == 0 else [1.0])
gathered = [tensor(np.zeros(1, dtype)) for _ in range(world)] if rank == 0 else None
dist.gather(tensor(np.full(1, float(rank), dtype)), gathered, dst=0)
if rank == 0: assert [g.item() for g in gathered] == list(range(world))
received = tensor(np.zeros(1, dtype))
dist.scatter(received, [tensor(np.full(1, 10.0 * r, dtype)) for r in range(world)] if rank == 0 else None, src=0)
assert received.item() == 10.0 * rank
objects = [None] * world; dist.all_gather_object(objects, {'rank': rank}); assert objects == [{'rank': r} for r in range(world)]
dist.barrier()

# --- DDP: every rank its share of each batch, the weights as one process's on the whole batches
def make_model():
    maxine.manual_seed(rank)                          # different starting weights: DDP must broadcast rank 0's
    return nn.Sequential(nn.Linear(6, 8), nn.Tanh(), nn.Linear(8, 3)).to(dtype)    # (batch norm would see per-rank batches)

per_rank, steps = 4, 5
rng = np.random.default_rng(0)
x_all = rng.standard_normal((steps, world * per_rank, 6)).astype(dtype)
y_all = rng.integers(0, 3, (steps, world * per_rank))
model = DistributedDataParallel(make_model(), bucket_cap_mb=0.0001)   # tiny buckets: several all-reduces a step
opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
for step in range(steps):
    share = slice(rank * per_rank, (rank + 1) * per_rank)
    if step == steps - 1:                             # the last step as two micro-batches, averaged once (no_sync)
        half = per_rank // 2
        with model.no_sync():
            F.cross_entropy(model(tensor(x_all[step][share][:half])), tensor(y_all[step][share][:half])).backward()
        F.cross_entropy(model(tensor(x_all[step][share][half:])), tensor(y_all[step][share][half:])).backward()
        for p in model.parameters(): p.grad._array /= 2
    else: F.cross_entropy(model(tensor(x_all[step][share])), tensor(y_all[step][share])).backward()
    opt.step(); opt.zero_grad()

if rank == 0:                                         # one process, the whole batches, rank 0's starting weights
    maxine.manual_seed(0)
    alone = nn.Sequential(nn.Linear(6, 8), nn.Tanh(), nn.Linear(8, 3)).to(dtype)
    opt = optim.SGD(alone.parameters(), lr=0.1, momentum=0.9)
    for step in range(steps):
        if step == steps - 1:                         # the same micro-batches: each rank's halves, in two groups
            halves = [np.concatenate([x_all[step][r * per_rank:(r + 1) * per_rank][part] for r in range(world)]) for part in
                      (slice(0, per_rank // 2), slice(per_rank // 2, per_rank))]
            labels = [np.concatenate([y_all[step][r * per_rank:(r + 1) * per_rank][part] for r in range(world)]) for part in
                      (slice(0, per_rank // 2), slice(per_rank // 2, per_rank))]
            for xh, yh in zip(halves, labels): (F.cross_entropy(alone(tensor(xh)), tensor(yh)) / 2).backward()
        else: F.cross_entropy(alone(tensor(x_all[step])), tensor(y_all[step])).backward()
        opt.step(); opt.zero_grad()
    ours, theirs = model.module.state_dict(), alone.state_dict()
    for name in theirs:
        if name.endswith('num_batches_tracked') or 'running' in name: continue    # batch statistics are per rank in DDP
        gap = np.abs(ours[name].numpy() - theirs[name].numpy()).max()
        assert gap < tolerance, (name, gap)
    assert list(model.state_dict())[0].startswith('module.')
    print(f"ok: {world} ranks, {dtype.__name__}: DDP's weights equal one process's on the combined batches")
