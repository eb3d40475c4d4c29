"""A PyTorch data-parallel program, written for the `mpi` backend as PyTorch documents it. The test runs it under
PyTorch (with `gloo` standing in, through torchrun) and under maxine (imports changed, through mpirun), and compares.
Its numbers start from NumPy's, so both libraries train the same weights on the same batches."""
import sys
import numpy as np
import torch
import torch.distributed as dist
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel as DDP
from torch.utils.data import DataLoader, TensorDataset
from torch.utils.data.distributed import DistributedSampler

dist.init_process_group(backend=sys.argv[1])
rank, world = dist.get_rank(), dist.get_world_size()

rng = np.random.default_rng(0)
x = torch.tensor(rng.standard_normal((96, 10)), dtype=torch.float32)
y = torch.tensor((x.numpy()[:, 0] + x.numpy()[:, 1] > 0).astype(np.int64))
model = nn.Sequential(nn.Linear(10, 16), nn.ReLU(), nn.Linear(16, 2))
with torch.no_grad():
    for p in model.parameters(): p.copy_(torch.tensor(rng.standard_normal(tuple(p.shape)) * 0.3, dtype=torch.float32))
ddp = DDP(model)
sampler = DistributedSampler(TensorDataset(x, y), num_replicas=world, rank=rank, shuffle=False)
loader = DataLoader(TensorDataset(x, y), batch_size=96 // world // 4, sampler=sampler)
opt = torch.optim.SGD(ddp.parameters(), lr=0.1, momentum=0.9)
for epoch in range(3):
    sampler.set_epoch(epoch)
    for xb, yb in loader:
        opt.zero_grad()
        loss = F.cross_entropy(ddp(xb), yb)
        loss.backward()
        opt.step()
    total = torch.tensor([loss.item()])
    dist.all_reduce(total, op=dist.ReduceOp.SUM)
    if rank == 0: print(f"epoch {epoch} mean last loss {total.item() / world:.6f}")
if rank == 0: print('weights', ' '.join(f"{v:.6f}" for v in model[0].weight.detach().numpy().ravel()[:6]))
dist.destroy_process_group()
