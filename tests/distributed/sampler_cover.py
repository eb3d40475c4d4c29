"""Run under `mpirun -n N python sampler_cover.py SIZE`: across the ranks, DistributedSampler gives every index once an
epoch (with padding, the first ones twice), the same shuffle on every rank, a new one each epoch."""
import sys, collections, math
import maxine.distributed as dist
from maxine.utils.data.distributed import DistributedSampler

dist.init_process_group()
rank, world, size = dist.get_rank(), dist.get_world_size(), int(sys.argv[1])
sampler = DistributedSampler(range(size), seed=3)
epochs = []
for epoch in range(2):
    sampler.set_epoch(epoch)
    shares = [None] * world
    dist.all_gather_object(shares, list(sampler))
    everything = [i for share in shares for i in share]
    counts = collections.Counter(everything)
    assert sorted(counts) == list(range(size)) and len(everything) == math.ceil(size / world) * world, counts
    assert sum(c - 1 for c in counts.values()) == len(everything) - size
    assert len({len(share) for share in shares}) == 1
    epochs.append(everything)
assert epochs[0] != epochs[1]
if rank == 0: print(f"ok: {world} ranks, {size} items")
