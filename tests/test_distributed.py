"""maxine.distributed, DDP and DistributedSampler in real MPI jobs: `mpirun -n 2` and `-n 3` (uneven shards), started by
pytest. Skipped, with the reason, where mpirun or mpi4py is missing (`pip install mpi4py mpich` gives both)."""
import os, shutil, subprocess, sys, time
from pathlib import Path
import numpy as np
import pytest

HERE = Path(__file__).resolve().parent / 'distributed'
MPIRUN = shutil.which('mpirun', path=str(Path(sys.executable).parent) + os.pathsep + os.environ.get('PATH', ''))
try: import mpi4py                                      # noqa: F401
except ImportError: mpi4py = None
pytestmark = pytest.mark.skipif(MPIRUN is None or mpi4py is None,
                                reason="needs mpirun and mpi4py: pip install mpi4py mpich (pip install -e '.[dev]' installs them)")


def mpirun(n, *args, timeout=120):
    "Run `args` (a Python script and its arguments, or a command) as an MPI job of `n` ranks; the finished process"
    command = [MPIRUN, '-n', str(n), *(args if args[0].startswith('-') or not args[0].endswith('.py') else [sys.executable, *args])]
    env = {**os.environ, 'OMP_NUM_THREADS': '1', 'OPENBLAS_NUM_THREADS': '1', 'PYTHONUNBUFFERED': '1'}
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env)


@pytest.mark.parametrize('ranks, dtype', [(2, 'float64'), (3, 'float64'), (2, 'float32')])
def test_collectives_and_ddp_equal_one_process_on_the_combined_batch(ranks, dtype):
    done = mpirun(ranks, str(HERE / 'collectives_and_ddp.py'), dtype)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"ok: {ranks} ranks, {dtype}" in done.stdout


@pytest.mark.parametrize('ranks, size', [(2, 10), (3, 10), (3, 12)])
def test_distributed_sampler_covers_the_dataset_every_epoch(ranks, size):
    done = mpirun(ranks, str(HERE / 'sampler_cover.py'), str(size))
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_rank_that_fails_ends_the_job_naming_it():
    start = time.perf_counter()
    done = mpirun(2, str(HERE / 'failures.py'), 'raise', timeout=60)
    assert done.returncode != 0 and time.perf_counter() - start < 30
    assert 'rank 1 of 2 failed' in done.stderr and 'something went wrong on this rank' in done.stderr


def test_different_models_on_different_ranks_are_a_clear_error():
    done = mpirun(2, str(HERE / 'failures.py'), 'mismatch', timeout=60)
    assert done.returncode != 0 and "rank 1's model differs from rank 0's" in done.stderr


def test_maxine_train_on_two_ranks_prints_and_saves_once(tmp_path):
    train = str(Path(sys.executable).parent / 'maxine-train')
    done = mpirun(2, train, '--epochs', '1', '--save', str(tmp_path / 'w.safetensors'), timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count('final validation accuracy') == 1 and done.stdout.count('saved the weights') == 1
    assert float(done.stdout.split('final validation accuracy: ')[1].split()[0]) > 0.95
    assert 'data-parallel on 2 ranks' in done.stdout


def test_language_models_train_on_two_ranks(tmp_path):
    train = str(Path(sys.executable).parent / 'maxine-train')
    done = mpirun(2, train, '--data', 'names', '--model', 'bigram', '--steps', '200', '--samples', '0', timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count('final test loss') == 1 and float(done.stdout.split('final test loss: ')[1].split()[0]) < 2.8


def test_a_pytorch_ddp_program_runs_with_its_imports_changed_and_trains_as_pytorch_does(tmp_path):
    "The same program under PyTorch (gloo, started by torchrun) and under maxine (mpi, started by mpirun): the same numbers"
    pytest.importorskip('torch')
    source = (HERE / 'pytorch_ddp_program.py').read_text()
    theirs = subprocess.run([sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node', '2', '--master_port', '29517',
                             str(HERE / 'pytorch_ddp_program.py'), 'gloo'], capture_output=True, text=True, timeout=300,
                            env={**os.environ, 'OMP_NUM_THREADS': '1'})
    assert theirs.returncode == 0, theirs.stderr[-2000:]
    ported = tmp_path / 'program.py'
    ported.write_text(source.replace('import torch.distributed as dist', 'import maxine.distributed as dist')
                      .replace('import torch.nn.functional as F', 'import maxine.nn.functional as F')
                      .replace('import torch.nn as nn', 'import maxine.nn as nn')
                      .replace('from torch.', 'from maxine.').replace('import torch\n', 'import maxine as torch\n'))
    ours = mpirun(2, str(ported), 'mpi', timeout=300)
    assert ours.returncode == 0, ours.stdout + ours.stderr
    number = lambda out: [float(w) for line in out.splitlines() for w in line.split()[1:] if line.startswith(('epoch', 'weights')) and w[0] in '-0123456789' and '.' in w]
    np.testing.assert_allclose(number(ours.stdout), number(theirs.stdout), rtol=1e-4, atol=1e-5)
