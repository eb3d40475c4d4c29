"""Run the fault cases of issue 22 against whichever maxine is importable and print one line per case: what happened.

    python tools/fault_cases.py                      # this checkout
    PYTHONPATH=/path/to/old/checkout python tools/fault_cases.py   # an older maxine, for a before/after table

Each case is what a careful user might do; the line says `ok: ...` (what came back) or the exception and its words.
The cases use only maxine's public API (and PyTorch, to write PyTorch's files), so they run on older versions too.
The tests that hold each behaviour are in tests/test_faults.py and tests/test_saves.py; this script only reports."""
import contextlib, gzip, io, os, pickle, signal, subprocess, sys, tempfile, threading, time, zipfile
from pathlib import Path
import numpy as np

import maxine, maxine.cli, maxine.text, maxine.callbacks
from maxine import nn, optim

TMP = Path(tempfile.mkdtemp(prefix='fault-cases-'))
CASES = {}

def case(name):
    "Register the function below as the case `name`"
    def register(fn): CASES[name] = fn; return fn
    return register

def outcome(fn):
    "What `fn()` did, in one line"
    err = io.StringIO()
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()): result = fn()
        return f"ok: {result}"
    except SystemExit as e: return f"exit {e.code}: {err.getvalue().strip().splitlines()[-1] if err.getvalue().strip() else ''}"
    except BaseException as e: return f"{type(e).__name__}: {' '.join(str(e).split())}"

def as_list(t): return np.asarray(t).tolist() if not hasattr(t, 'tolist') else t.tolist()

# --- saves that round-trip --------------------------------------------------------------------------------------------

def round_trip(suffix):
    bn = nn.BatchNorm2d(3)
    maxine.save(bn.state_dict(), TMP / f'bn{suffix}')
    back = maxine.load(TMP / f'bn{suffix}')
    nn.BatchNorm2d(3).load_state_dict(back)
    return f"loads back, num_batches_tracked has shape {tuple(back['num_batches_tracked'].shape)}"

@case('BatchNorm state dict as .safetensors')
def _(): return round_trip('.safetensors')

@case('BatchNorm state dict as .npz')
def _(): return round_trip('.npz')

@case('save to a named pipe')
def _():
    os.mkfifo(TMP / 'pipe')
    try: maxine.save({'w': maxine.ones(2)}, TMP / 'pipe')
    finally: kind = 'still a pipe' if (TMP / 'pipe').is_fifo() else 'REPLACED by a regular file'
    return f"saved; {kind}"

@case('save to a symlink to a named pipe')
def _():                                       # never a link to a real device: an old version would replace it
    os.mkfifo(TMP / 'pipe2'); os.symlink(TMP / 'pipe2', TMP / 'link')
    try: maxine.save({'w': maxine.ones(2)}, TMP / 'link')
    finally: kind = 'the pipe is still a pipe' if (TMP / 'pipe2').is_fifo() else 'the pipe was REPLACED by a regular file'
    return f"saved; {kind}"

@case('60 saves to one path from 6 threads')
def _():
    errors = []
    def saver(k):
        for _ in range(10):
            try: maxine.save({'w': maxine.full((2000,), float(k))}, TMP / 'm.pt')
            except Exception as e: errors.append(type(e).__name__)
    threads = [threading.Thread(target=saver, args=(k,)) for k in range(6)]
    for t in threads: t.start()
    for t in threads: t.join()
    return f"{60 - len(errors)} of 60 saves succeeded" + (f" ({', '.join(sorted(set(errors)))})" if errors else '')

def npz_key(key):
    maxine.save({key: maxine.ones(2), 'b': maxine.zeros(1)}, TMP / 'k.npz')
    return f"keys back: {sorted(maxine.load(TMP / 'k.npz'))}"

@case(".npz with a tensor named 'allow_pickle'")
def _(): return npz_key('allow_pickle')

@case(".npz with a tensor named 'file'")
def _(): return npz_key('file')

@case(".npz with a tensor named 'data.pkl'")
def _(): return npz_key('data.pkl')

@case("torch.save(_use_new_zipfile_serialization=False) file")
def _():
    import torch
    torch.save({'w': torch.ones(2)}, TMP / 'legacy.pt', _use_new_zipfile_serialization=False)
    return f"loads as {maxine.load(TMP / 'legacy.pt')!r}"

@case('maxine.save(pickle_protocol=2), then load')
def _():
    maxine.save({'w': maxine.ones(2)}, TMP / 'p2.pt', pickle_protocol=2)
    return f"loads: {as_list(maxine.load(TMP / 'p2.pt')['w'])}"

@case('bfloat16 .safetensors (downloaded weights)')
def _():
    import torch, safetensors.torch
    safetensors.torch.save_file({'w': torch.tensor([1.5, -2.25], dtype=torch.bfloat16)}, TMP / 'bf16.safetensors')
    return f"loads: {as_list(maxine.load(TMP / 'bf16.safetensors')['w'])}"

# --- autograd and optimizers ------------------------------------------------------------------------------------------

@case('hook returns a gradient of another shape')
def _():
    w = nn.Parameter(maxine.ones(2, 2))
    w.register_hook(lambda g: maxine.ones(3))
    (w * 2).sum().backward()
    return f".grad has shape {tuple(w.grad.shape)}"

@case('tensor([1, 2]) // 0')
def _(): return as_list(maxine.tensor([1, 2]) // 0)

@case('optim.SGD([p * 2]) (a non-leaf)')
def _():
    p = nn.Parameter(maxine.ones(2))
    opt = optim.SGD([p * 2], lr=0.1)
    return "accepted"

@case('weight.grad = ones(2) on a 2x2 weight')
def _():
    w = nn.Parameter(maxine.ones(2, 2))
    w.grad = maxine.ones(2)
    return "accepted"

@case('the same parameter in two groups')
def _():
    p = nn.Parameter(maxine.ones(2))
    optim.SGD([{'params': [p]}, {'params': [p]}], lr=0.1)
    return "accepted"

@case('two StepLR(step_size=1, gamma=0.5) on one optimizer, one step (PyTorch: 0.025)')
def _():
    opt = optim.SGD([nn.Parameter(maxine.ones(1))], lr=0.1)
    a, b = optim.lr_scheduler.StepLR(opt, 1, 0.5), optim.lr_scheduler.StepLR(opt, 1, 0.5)
    opt.step(); a.step(); b.step()
    return f"lr {opt.param_groups[0]['lr']:.3g}"

# --- resources --------------------------------------------------------------------------------------------------------

def peak_mb(): import resource; return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

@case('.npz of 200 kB that inflates to 200 MB, declaring 8 bytes')
def _():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, 'w', zipfile.ZIP_DEFLATED) as z:
        with z.open('w.npy', 'w') as member:
            np.lib.format.write_array_header_1_0(member, {'descr': '<f8', 'fortran_order': False, 'shape': (1,)})
            for _ in range(200): member.write(bytes(1_000_000))
    (TMP / 'bomb.npz').write_bytes(buffer.getvalue())
    start = peak_mb()
    try: return f"loaded shape {tuple(maxine.load(TMP / 'bomb.npz')['w'].shape)}"
    finally: print(f"  peak memory grew {peak_mb() - start:.0f} MB", file=sys.__stderr__)

@case('IDX .gz of 1 MB that inflates to 1 GB, declaring 10 bytes')
def _():
    path = TMP / 'bomb-idx1-ubyte.gz'
    with gzip.open(path, 'wb', compresslevel=1) as f:
        f.write(bytes([0, 0, 8, 1]) + (10).to_bytes(4, 'big'))
        for _ in range(1000): f.write(bytes(1_000_000))
    start, t = peak_mb(), time.perf_counter()
    try: return f"read shape {maxine.data.read_idx(path).shape}"
    finally: print(f"  {time.perf_counter() - t:.1f} s, peak memory grew {peak_mb() - start:.0f} MB", file=sys.__stderr__)

# --- messages ---------------------------------------------------------------------------------------------------------

@case('RNN with h_0 of the wrong batch size')
def _(): return nn.RNN(3, 4)(maxine.zeros(5, 2, 3), maxine.zeros(1, 3, 4))[0].shape

@case('LSTM over a 0-length sequence')
def _(): return nn.LSTM(3, 4)(maxine.zeros(0, 2, 3))[0].shape

@case('MultiheadAttention, 4x4 attn_mask for 5 queries')
def _():
    x = maxine.zeros(5, 2, 8)
    return nn.MultiheadAttention(8, 2)(x, x, x, attn_mask=maxine.zeros(4, 4))[0].shape

@case('MultiheadAttention, 6 keys and 5 values')
def _(): return nn.MultiheadAttention(8, 2)(maxine.zeros(5, 2, 8), maxine.zeros(6, 2, 8), maxine.zeros(5, 2, 8))[0].shape

@case('DataLoader over items of shapes (2,) and (3,)')
def _(): return next(iter(maxine.utils.data.DataLoader([maxine.zeros(2), maxine.zeros(3)], batch_size=2)))

@case("Adam.load_state_dict of another model's state")
def _():
    small, large = nn.Linear(2, 2), nn.Linear(3, 2)
    opt = optim.Adam(small.parameters()); small(maxine.ones(1, 2)).sum().backward(); opt.step()
    opt2 = optim.Adam(large.parameters()); opt2.load_state_dict(opt.state_dict())
    return "accepted"

@case('load_names() of a Latin-1 file')
def _():
    (TMP / 'names.txt').write_bytes('zoë\n'.encode('latin-1'))
    return maxine.text.load_names(TMP / 'names.txt')

@case('tensor of a big-endian array, + 1')
def _(): return as_list(maxine.tensor(np.arange(3, dtype='>f4')) + 1)

@case('Linear(0, 3) on a (2, 0) input')
def _(): return tuple(nn.Linear(0, 3)(maxine.zeros(2, 0)).shape)

@case("Checkpoint('x.safetensors')")
def _(): maxine.callbacks.Checkpoint(TMP / 'x.safetensors'); return "accepted"

@case('maxine-train --root <a file>')
def _(): return f"accepted: root={maxine.cli.parse_args(['--root', __file__]).root}"

@case('maxine-sample --temperature nan')
def _(): return f"accepted: {maxine.cli.parse_sample_args(['m.pt', '--temperature', 'nan']).temperature}"

def tiny_learner():
    from maxine.data import mnist_3v7_sample, DataLoaders
    from maxine.learner import Learner
    from maxine.utils.data import TensorDataset
    from maxine.transforms import Compose, ToFloat, FlattenImage
    x, y, xv, yv = mnist_3v7_sample()
    tfm = Compose([ToFloat(), FlattenImage()])
    dls = DataLoaders.from_datasets(TensorDataset(x[:256], y[:256], transform=tfm), TensorDataset(xv[:64], yv[:64], transform=tfm), 64, seed=0)
    maxine.manual_seed(0)
    return Learner(nn.Sequential(nn.Linear(784, 2)), dls, opt_func=optim.Adam, lr=1e-2, quiet=True)

@case('a checkpoint whose Recorder state is {}')
def _():
    from maxine.callbacks import Checkpoint
    tiny_learner().fit_one_cycle(2, 1e-2, cbs=[Checkpoint(TMP / 'run.pt')])
    ckpt = maxine.load(TMP / 'run.pt', weights_only=False)
    ckpt['callbacks']['Recorder'] = {}
    maxine.save(ckpt, TMP / 'bad.pt')
    tiny_learner().fit_one_cycle(2, 1e-2, cbs=[Checkpoint(TMP / 'bad.pt', resume=True)])
    return "resumed"

@case('resume a finished 2-epoch one-cycle run with 3 epochs')
def _():
    from maxine.callbacks import Checkpoint
    tiny_learner().fit_one_cycle(2, 1e-2, cbs=[Checkpoint(TMP / 'done.pt')])
    tiny_learner().fit_one_cycle(3, 1e-2, cbs=[Checkpoint(TMP / 'done.pt', resume=True)])
    return "resumed"

@case('Ctrl-C during maxine-train --save w.pt')
def _():
    run = subprocess.Popen([sys.executable, '-c', 'import sys, maxine.cli; sys.exit(maxine.cli.main())', '--epochs', '50',
                            '--save', str(TMP / 'w.pt')], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    run.stdout.readline(); time.sleep(2); run.send_signal(signal.SIGINT)
    out, err = run.communicate(timeout=60)
    said = 'a traceback' if 'Traceback' in err else repr(err.strip().splitlines()[-1] if err.strip() else '')
    return f"exit {run.returncode}, {said}, weights {'kept' if (TMP / 'w.pt').exists() else 'lost'}"


if __name__ == '__main__':
    print(f"maxine from {Path(maxine.__file__).parent.parent}")
    for name, fn in CASES.items(): print(f"{name} | {outcome(fn)[:200]}", flush=True)
