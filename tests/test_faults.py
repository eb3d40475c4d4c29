"""Failures that lose nothing: saves killed or out of disk, damaged files of every format, garbage into the loaders,
and training that diverges."""
import errno, gzip, os, shutil, signal, subprocess, sys, textwrap, time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st, HealthCheck

import maxine
from maxine import nn, optim
from maxine.serialization import save, load, LoadError, UnsafeLoadError, TEMP_SUFFIX
from maxine.data import read_idx_bytes, read_idx, write_idx, MNIST_MD5
from maxine.learner import Learner, TrainingDiverged
from maxine.utils.data import TensorDataset
from maxine.data import DataLoaders
from maxine.cli import main

ROOT = Path(__file__).resolve().parent.parent
from mnist_files import MNIST_FOLDER as SHARED, needs_mnist
FORMATS = ['model.pt', 'model.npz', 'model.safetensors']


def state(seed=0, size=(3, 4)):
    r = np.random.default_rng(seed)
    return {'weight': maxine.tensor(r.standard_normal(size).astype(np.float32)), 'bias': maxine.tensor(r.standard_normal(size[0]).astype(np.float32))}


def same(a, b): return set(a) == set(b) and all(np.array_equal(a[k].numpy(), b[k].numpy()) for k in a)


def temp_files(folder): return [p.name for p in Path(folder).iterdir() if p.name.endswith(TEMP_SUFFIX)]


# --- killed saves ---------------------------------------------------------------------------------------------------

SAVER = textwrap.dedent('''
    import sys, numpy as np, maxine
    big = {f"w{i}": maxine.tensor(np.full((1024, 1024), i, np.float32)) for i in range(48)}   # 192 MB
    print("ready", flush=True)
    maxine.save(big, sys.argv[1])
''')

@pytest.mark.parametrize('name', ['model.pt', 'model.safetensors'])
@pytest.mark.parametrize('delay', [0.0, 0.1, 0.3, 0.6])
def test_a_killed_save_keeps_the_previous_file(tmp_path, name, delay):
    path = tmp_path / name
    save(state(), path)
    before = path.read_bytes()
    child = subprocess.Popen([sys.executable, '-c', SAVER, str(path)], stdout=subprocess.PIPE, cwd=tmp_path)
    assert child.stdout.readline().strip() == b'ready'
    time.sleep(delay)
    child.send_signal(signal.SIGKILL); child.wait()
    if path.read_bytes() != before:                            # the save finished before the kill: all of it is there
        assert len(load(path)) == 48 and temp_files(tmp_path) == []
    else: assert same(load(path), state())                      # killed part-way: the previous file, whole
    save(state(1), path)                                       # the next save of the same path cleans up
    assert same(load(path), state(1)) and temp_files(tmp_path) == []


def test_a_full_disk_keeps_the_previous_file(tmp_path):
    disk = tmp_path / 'small'
    disk.mkdir()
    mounted = subprocess.run(['mount', '-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', str(disk)], capture_output=True).returncode == 0
    try:
        if not mounted: pytest.skip("can't mount a small tmpfs here (needs root); test_learner covers ENOSPC by injection")
        path = disk / 'model.safetensors'
        save(state(), path)
        before = path.read_bytes()
        with pytest.raises(OSError) as err: save(state(size=(256, 512)), path)      # 512 kB: does not fit
        assert err.value.errno == errno.ENOSPC
        assert path.read_bytes() == before and temp_files(disk) == []
    finally:
        if mounted: subprocess.run(['umount', str(disk)], check=True)


# --- damaged files --------------------------------------------------------------------------------------------------

def damaged_versions(data):
    yield 'empty', b''
    for cut in (1, 7, len(data) // 3, len(data) // 2, len(data) - 1):
        yield f'truncated at {cut}', data[:cut]
    for at in (0, 9, len(data) // 2, len(data) - 5):
        flipped = bytearray(data); flipped[at] ^= 0x5A
        yield f'byte {at} flipped', bytes(flipped)
    yield 'text', b'these are not the weights you are looking for\n'


@pytest.mark.parametrize('name', FORMATS)
def test_damaged_files_of_every_format_give_one_clear_error(tmp_path, name):
    good = tmp_path / name
    save(state(), good)
    for what, data in damaged_versions(good.read_bytes()):
        bad = tmp_path / f'bad-{name}'
        bad.write_bytes(data)
        try: loaded = load(bad)
        except (LoadError, UnsafeLoadError) as e:
            assert str(bad) in str(e), (what, str(e))
            continue
        assert same(loaded, state()), f"{what}: loaded different weights without an error"   # a flip in unused bytes


def test_a_file_with_the_wrong_suffix_still_loads_by_content(tmp_path):
    save(state(), tmp_path / 'model.npz')
    shutil.copy(tmp_path / 'model.npz', tmp_path / 'renamed.pt')
    assert same(load(tmp_path / 'renamed.pt'), state())


@given(st.binary(max_size=2000))
@settings(max_examples=300, deadline=2000, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_garbage_into_load_raises_a_documented_error(tmp_path, data):
    path = tmp_path / 'garbage.pt'
    path.write_bytes(data)
    with pytest.raises((LoadError, UnsafeLoadError)): load(path)


@given(st.binary(max_size=600))
@settings(max_examples=300, deadline=2000, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_garbage_into_the_idx_reader_raises_value_error(tmp_path, data):
    path = tmp_path / 'garbage-idx'
    path.write_bytes(data)
    try: array = read_idx(path)
    except ValueError: return
    assert isinstance(array, np.ndarray)                    # a well-formed IDX file by chance: it reads as what it says
    assert array.size * array.itemsize + 4 + 4 * array.ndim == len(data)


def test_npz_refuses_at_save_time_what_it_cannot_read_back(tmp_path):
    for bad in [{'model': state()}, {'name': 'mnist'}, [1, 2]]:
        with pytest.raises(TypeError): save(bad, tmp_path / 'x.npz')
    assert not (tmp_path / 'x.npz').exists() and temp_files(tmp_path) == []


def test_save_keeps_permissions_and_writes_through_symlinks(tmp_path):
    target = tmp_path / 'real.safetensors'
    save(state(), target); os.chmod(target, 0o640)
    link = tmp_path / 'link.safetensors'
    link.symlink_to(target)
    save(state(2), link)
    assert link.is_symlink() and same(load(target), state(2)) and oct(target.stat().st_mode & 0o777) == '0o640'


# --- load_state_dict and checkpoints are all or nothing -------------------------------------------------------------

def test_load_state_dict_changes_nothing_when_one_entry_is_wrong():
    model = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 2))
    before = {k: v.numpy().copy() for k, v in model.state_dict().items()}
    for wrong in [{**model.state_dict(), '1.weight': np.zeros((5, 5))},
                  {**{k: v.numpy() + 1 for k, v in model.state_dict().items()}, '1.bias': 'not a tensor'},
                  {**{k: v.numpy() + 1 for k, v in model.state_dict().items()}, 'extra': np.zeros(1)}]:
        with pytest.raises((RuntimeError, TypeError, ValueError)) as err: model.load_state_dict(wrong)
        assert any(k in str(err.value) for k in ('1.weight', '1.bias', 'extra'))
        for k, v in model.state_dict().items(): np.testing.assert_array_equal(v.numpy(), before[k])
    with pytest.raises((TypeError, RuntimeError), match='dict'): model.load_state_dict([1, 2])


def tiny_learner(x=None, lr=1e-2, **kwargs):
    maxine.manual_seed(0)
    r = np.random.default_rng(0)
    x = r.standard_normal((64, 4)).astype(np.float32) if x is None else x
    y = (x[:, 0] > 0).astype(np.int64)
    dls = DataLoaders.from_datasets(TensorDataset(x[:48], y[:48]), TensorDataset(x[48:], y[48:]), batch_size=8, seed=0)
    return Learner(nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2)), dls, opt_func=optim.SGD, lr=lr, quiet=True, **kwargs)


def test_a_malformed_checkpoint_changes_nothing(tmp_path):
    from maxine.callbacks import Checkpoint
    learn = tiny_learner()
    learn.fit(1, cbs=[Checkpoint(tmp_path / 'ckpt.pt')])
    ckpt = load(tmp_path / 'ckpt.pt', weights_only=False)
    for key, value in [('epoch', 'three'), ('opt', [1, 2]), ('model', 5), ('generators', [])]:
        save({**ckpt, key: value}, tmp_path / 'bad.pt')
        fresh = tiny_learner()
        before = {k: v.numpy().copy() for k, v in fresh.model.state_dict().items()}
        state_before = maxine.random.get_rng_state()
        with pytest.raises((ValueError, TypeError, RuntimeError, LoadError)) as err:
            fresh.fit(2, cbs=[Checkpoint(tmp_path / 'bad.pt', resume=True)])
        assert 'bad.pt' in str(err.value) or key in str(err.value), str(err.value)
        for k, v in fresh.model.state_dict().items(): np.testing.assert_array_equal(v.numpy(), before[k])
        np.testing.assert_array_equal(np.asarray(maxine.random.get_rng_state()), np.asarray(state_before))


# --- training that diverges ---------------------------------------------------------------------------------------------

class WeightsAtEachEpoch(maxine.learner.Callback):
    "Copies of the weights as each epoch begins: what TerminateOnNaN must put back when that epoch diverges"
    order = -100
    def before_fit(self): self.copies = []
    def before_epoch(self): self.copies.append({k: v.numpy().copy() for k, v in self.learn.model.state_dict().items()})


class NanGradient(maxine.learner.Callback):
    "A NaN in the first weight's gradient at epoch `epoch`, batch `batch`, after some ordinary steps of that epoch"
    order = 1
    def __init__(self, epoch, batch): self.epoch, self.batch = epoch, batch
    def after_backward(self):
        if (self.learn.epoch, self.learn.iter) == (self.epoch, self.batch):
            next(self.learn.model.parameters()).grad._array[0, 0] = np.nan


def assert_restored(learn, expected):
    for k, v in learn.model.state_dict().items(): np.testing.assert_array_equal(v.numpy(), expected[k], err_msg=k)


def test_a_nan_gradient_puts_back_the_weights_of_the_start_of_that_epoch():
    learn, copies = tiny_learner(), WeightsAtEachEpoch()
    with pytest.raises(TrainingDiverged, match=r'epoch 1, batch 3: the gradient of 0.weight'):
        learn.fit(3, cbs=[copies, NanGradient(1, 3)])
    assert len(copies.copies) == 2
    assert not all(np.array_equal(copies.copies[0][k], copies.copies[1][k]) for k in copies.copies[0])  # epoch 0 trained
    assert_restored(learn, copies.copies[1])             # not the weights after epoch 1's batches 0 to 2


def test_a_nan_pixel_stops_training_with_the_weights_it_started_with():
    x = np.random.default_rng(0).standard_normal((64, 4)).astype(np.float32)
    x[13, 2] = np.nan
    learn, copies = tiny_learner(x), WeightsAtEachEpoch()
    with pytest.raises(TrainingDiverged, match=r'epoch 0, batch \d+: the loss became nan'): learn.fit(2, cbs=[copies])
    assert_restored(learn, copies.copies[0])


def test_a_huge_learning_rate_stops_training_with_the_last_finite_weights():
    learn, copies = tiny_learner(lr=1e12), WeightsAtEachEpoch()
    with pytest.raises(TrainingDiverged, match=r'epoch (\d+), batch \d+') as err: learn.fit(3, cbs=[copies])
    epoch = int(str(err.value).split('epoch ')[1].split(',')[0])
    assert_restored(learn, copies.copies[epoch])


def test_maxine_train_never_saves_what_diverged(tmp_path, capsys):
    assert main(['--epochs', '1', '--lr', '1e9', '--opt', 'sgd', '--quiet', '--save', str(tmp_path / 'w.safetensors')]) == 2
    assert 'Nothing was saved' in capsys.readouterr().err and list(tmp_path.iterdir()) == []


def test_maxine_train_checks_paths_before_training(tmp_path, capsys, monkeypatch):
    import maxine.cli
    def no_training(args): raise AssertionError("training started before the output paths were checked")
    monkeypatch.setattr(maxine.cli, 'train', no_training)
    for args, message in [(['--save', str(tmp_path / 'no' / 'w.pt')], 'does not exist'), (['--save', str(tmp_path)], 'is a folder'),
                          (['--plot', str(tmp_path / 'loss.gif')], 'expected an image file name')]:
        assert main(['--quiet'] + args) == 1
        assert message in capsys.readouterr().err


def test_maxine_train_keeps_the_weights_when_the_save_fails(tmp_path, capsys, monkeypatch):
    real_fsync = os.fsync
    def full(fd):
        if os.fstat(fd).st_size > 0 and str(tmp_path) in os.readlink(f'/proc/self/fd/{fd}'): raise OSError(errno.ENOSPC, 'No space left on device')
        return real_fsync(fd)
    monkeypatch.setattr(os, 'fsync', full)
    monkeypatch.setenv('XDG_CACHE_HOME', str(tmp_path / 'cache'))
    assert main(['--epochs', '1', '--quiet', '--save', str(tmp_path / 'w.safetensors')]) == 1
    err = capsys.readouterr().err
    assert 'No space left' in err and 'kept the trained weights in' in err
    rescued = Path(err.split('kept the trained weights in ')[1].split()[0].rstrip('.:'))
    monkeypatch.setattr(os, 'fsync', real_fsync)
    assert rescued.exists() and set(load(rescued)) == {'0.weight', '0.bias', '3.weight', '3.bias', '6.weight', '6.bias'}


# --- data checked by content ------------------------------------------------------------------------------------------

@needs_mnist
def test_recompressed_and_uncompressed_mnist_load_and_tampered_labels_do_not(tmp_path, monkeypatch):
    monkeypatch.delenv('MAXINE_DATA', raising=False)
    monkeypatch.setenv('XDG_CACHE_HOME', str(tmp_path / 'cache'))
    folder = tmp_path / 'mnist'
    folder.mkdir()
    for name in MNIST_MD5:
        raw = gzip.decompress((SHARED / name).read_bytes())
        if name.startswith('train'): (folder / name).write_bytes(gzip.compress(raw, compresslevel=9))   # re-compressed
        else: (folder / name.removesuffix('.gz')).write_bytes(raw)                                     # not compressed
    arrays = maxine.data.load_mnist(folder, download=False)      # genuine content, however it is compressed
    assert arrays[0].shape == (60000, 28, 28) and arrays[3].shape == (10000,)
    labels = folder / 't10k-labels-idx1-ubyte'
    raw = bytearray(labels.read_bytes()); raw[8 + 17] = (raw[8 + 17] + 1) % 10
    labels.write_bytes(bytes(raw))
    with pytest.raises(ValueError, match='t10k-labels-idx1-ubyte'): maxine.data.load_mnist(folder, download=False)
    raw[8 + 17] = 200
    labels.write_bytes(bytes(raw))
    with pytest.raises(ValueError, match='t10k-labels-idx1-ubyte'): maxine.data.load_mnist(folder, download=False)


@needs_mnist
def test_three_of_four_files_names_the_missing_one_and_the_folder(tmp_path, monkeypatch):
    folder = tmp_path / 'three'
    folder.mkdir()
    for name in list(MNIST_MD5)[:3]: shutil.copy(SHARED / name, folder / name)
    monkeypatch.setenv('MAXINE_DATA', str(folder))
    monkeypatch.setenv('XDG_CACHE_HOME', str(tmp_path / 'cache'))
    with pytest.raises(FileNotFoundError) as err: maxine.data.load_mnist(download=False)
    message = str(err.value)
    assert list(MNIST_MD5)[3] in message and str(folder) in message
    assert 'set MAXINE_DATA' not in message


# --- refused as PyTorch refuses, with a message that names what was expected (issue 22) ----------------------------------

def _hooked(result):
    w = nn.Parameter(maxine.ones(2, 2))
    w.register_hook(lambda g: result(g))
    (w * 2).sum().backward()

def _grad_assignment(grad): nn.Parameter(maxine.ones(2, 2)).grad = grad

def _optimizer_state_of_another_shape():
    small, large = nn.Linear(2, 2), nn.Linear(3, 2)
    opt = optim.Adam(small.parameters())
    small(maxine.ones(1, 2)).sum().backward(); opt.step()
    optim.Adam(large.parameters()).load_state_dict(opt.state_dict())

def _attention(q_len=5, k_len=5, v_len=5, **masks):
    mha = nn.MultiheadAttention(8, 2)
    return mha(maxine.zeros(q_len, 2, 8), maxine.zeros(k_len, 2, 8), maxine.zeros(v_len, 2, 8), **masks)

shared = nn.Parameter(maxine.zeros(2))
REFUSED = {   # case: (what a user does, the exception, words of the message)
    'hook result of another shape': (lambda: _hooked(lambda g: maxine.ones(3)), RuntimeError, 'has changed the size'),
    'hook result of another dtype': (lambda: _hooked(lambda g: g.double()), RuntimeError, 'has changed the type'),
    'integer division by zero': (lambda: maxine.tensor([1, 2]) // 0, RuntimeError, 'ZeroDivisionError'),
    'non-leaf parameter': (lambda: optim.SGD([shared * 2], lr=0.1), ValueError, "can't optimize a non-leaf Tensor"),
    'duplicate parameters across groups': (lambda: optim.SGD([{'params': [shared]}, {'params': [shared]}], lr=0.1),
                                           ValueError, 'appear in more than one parameter group'),
    '.grad of another shape': (lambda: _grad_assignment(maxine.ones(2)), RuntimeError, "of size '[2]' to a tensor of size '[2, 2]'"),
    '.grad of another dtype': (lambda: _grad_assignment(maxine.ones(2, 2, dtype=maxine.float64)), RuntimeError, "dtype 'float64'"),
    '.grad not a tensor': (lambda: _grad_assignment(np.ones((2, 2))), TypeError, 'Tensor'),
    'RNN h_0 of the wrong shape': (lambda: nn.RNN(3, 4)(maxine.zeros(5, 2, 3), maxine.zeros(1, 3, 4)),
                                   ValueError, 'h_0 must have shape (1, 2, 4)'),
    'LSTM c_0 of the wrong shape': (lambda: nn.LSTM(3, 4)(maxine.zeros(5, 2, 3), (maxine.zeros(1, 2, 4), maxine.zeros(2, 2, 4))),
                                    ValueError, 'c_0 must have shape (1, 2, 4)'),
    'LSTM over a 0-length sequence': (lambda: nn.LSTM(3, 4)(maxine.zeros(0, 2, 3)), RuntimeError, 'sequence length to be larger than 0'),
    'attention mask of the wrong shape': (lambda: _attention(attn_mask=maxine.zeros(4, 4)), ValueError, 'attn_mask is (4, 4), but should be (5, 5)'),
    'key padding mask of the wrong shape': (lambda: _attention(key_padding_mask=maxine.zeros(2, 4, dtype=maxine.bool)),
                                            ValueError, 'key_padding_mask must have shape (2, 5)'),
    'keys and values of different lengths': (lambda: _attention(k_len=6), ValueError, 'key shape (6, 2, 8) does not match value shape (5, 2, 8)'),
    'a batch of examples of different shapes': (lambda: next(iter(maxine.utils.data.DataLoader([maxine.zeros(2), maxine.zeros(3)], batch_size=2))),
                                                RuntimeError, 'this batch holds shapes (2,), (3,)'),
    'optimizer state of another shape': (_optimizer_state_of_another_shape, ValueError, "state 'exp_avg' of parameter 0 has shape (2, 2)"),
    'a checkpoint as .safetensors': (lambda: maxine.callbacks.Checkpoint('run.safetensors'), ValueError, 'give a .pt file name'),
}

@pytest.mark.parametrize('case', REFUSED)
def test_refused_with_a_message_that_names_what_was_expected(case):
    action, error, words = REFUSED[case]
    with pytest.raises(error) as raised: action()
    assert words in str(raised.value), str(raised.value)


def test_what_pytorch_allows_works():
    assert nn.Linear(0, 3)(maxine.zeros(2, 0)).tolist() == [[0.0] * 3] * 2            # and its bias alone comes out
    assert (maxine.tensor(np.arange(3, dtype='>f4')) + 1).tolist() == [1.0, 2.0, 3.0]   # big-endian arrays, native inside
    opt = optim.SGD([nn.Parameter(maxine.ones(1))], lr=0.1)
    first, second = optim.lr_scheduler.StepLR(opt, 1, 0.5), optim.lr_scheduler.StepLR(opt, 1, 0.5)
    opt.step(); first.step(); second.step()
    assert opt.param_groups[0]['lr'] == pytest.approx(0.025)                           # chained, as in PyTorch


def test_a_names_file_that_is_not_utf8_is_named(tmp_path):
    (tmp_path / 'names.txt').write_bytes('zoë\n'.encode('latin-1'))
    with pytest.raises(ValueError, match=r'names.txt: not UTF-8 text \(byte 2 is eb\)'): maxine.text.load_names(tmp_path / 'names.txt')


def test_an_idx_gzip_that_promises_more_than_it_can_hold_is_refused_before_inflating(tmp_path):
    liar = tmp_path / 'train-images-idx3-ubyte.gz'
    liar.write_bytes(gzip.compress(bytes([0, 0, 8, 3]) + b''.join(n.to_bytes(4, 'big') for n in (60000, 280, 280)) + bytes(10**6)))
    with pytest.raises(ValueError, match='more than a gzip file of'): read_idx(liar)


def test_malformed_callback_state_and_a_stretched_schedule_are_refused_by_name(tmp_path):
    from maxine.callbacks import Checkpoint
    tiny_learner().fit_one_cycle(2, 1e-2, cbs=[Checkpoint(tmp_path / 'run.pt')])
    good = load(tmp_path / 'run.pt')
    cases = [({**good, 'callbacks': {**good['callbacks'], 'Recorder': {}}}, 2, "the recorder's state should be"),
             ({**good, 'callbacks': {**good['callbacks'], 'OneCycle': 'x'}}, 2, "should be a scheduler's state dict"),
             ({**good, 'callbacks': {'Recorder': good['callbacks']['Recorder']}}, 2, 'holds no state for OneCycle'),
             (good, 3, 'made for 2 epochs')]                  # a finished 2-epoch run, resumed with 3
    for ckpt, epochs, words in cases:
        save(ckpt, tmp_path / 'odd.pt')
        learn = tiny_learner()
        before = {k: v.numpy().copy() for k, v in learn.model.state_dict().items()}
        with pytest.raises((ValueError, RuntimeError)) as raised:
            learn.fit_one_cycle(epochs, 1e-2, cbs=[Checkpoint(tmp_path / 'odd.pt', resume=True)])
        assert 'odd.pt' in str(raised.value) and words in str(raised.value), str(raised.value)
        assert same_arrays(learn.model.state_dict(), before) and learn.recorder.epochs == []


def same_arrays(state, arrays): return all(np.array_equal(v.numpy(), arrays[k]) for k, v in state.items())


@pytest.mark.parametrize('argv, words', [(['--lr', 'nan'], 'must be a positive number, got nan'),
                                         (['--epochs', '0'], 'must be a positive number, got 0'),
                                         (['--root', __file__], 'is a file; give the folder')])
def test_maxine_train_refuses_bad_values_before_anything_runs(argv, words, capsys):
    with pytest.raises(SystemExit) as exited: main(argv)
    assert exited.value.code == 2 and words in capsys.readouterr().err


def test_maxine_sample_refuses_a_nan_temperature(capsys):
    from maxine.cli import sample_main
    with pytest.raises(SystemExit): sample_main(['model.pt', '--temperature', 'nan'])
    assert 'must be a positive number, got nan' in capsys.readouterr().err


@pytest.mark.parametrize('argv', [['--epochs', '50'], ['--data', 'names', '--model', 'gru', '--steps', '100000']])
def test_ctrl_c_in_maxine_train_exits_130_and_keeps_the_weights(tmp_path, argv):
    saved = tmp_path / 'model.pt'
    # as from a terminal: a shell's background job (CI run with `&`) starts with SIGINT ignored, and Python keeps it so
    run = subprocess.Popen([sys.executable, '-c', 'import sys, maxine.cli; sys.exit(maxine.cli.main())', *argv, '--save', str(saved)],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
                           preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    first_line = run.stdout.readline()                         # training has begun
    assert first_line.startswith('maxine-train:'), first_line
    time.sleep(2)
    run.send_signal(signal.SIGINT)
    out, err = run.communicate(timeout=60)
    assert run.returncode == 130, (out, err)
    assert 'Traceback' not in err and 'stopped (Ctrl-C)' in err, err
    assert 'saved the weights trained so far' in out
    kept = load(saved)
    assert len(kept.get('state_dict', kept)) > 0
