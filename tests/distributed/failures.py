"""Run under `mpirun -n 2 python failures.py CASE`: CASE 'raise' makes rank 1 fail while rank 0 waits in an all-reduce
(the job must end, naming rank 1); CASE 'mismatch' wraps different models (DDP must say so on every rank)."""
import sys, time
import numpy as np
import maxine
from maxine import nn, tensor
import maxine.distributed as dist
from maxine.nn.parallel import DistributedDataParallel

dist.init_process_group()
rank = dist.get_rank()
if sys.argv[1] == 'raise':
    if rank == 1: raise ValueError("something went wrong on this rank")
    dist.all_reduce(tensor(np.ones(3)))                # rank 0 would wait here forever
    time.sleep(60)
else:
    DistributedDataParallel(nn.Linear(4, 2 + rank))
