"""Saves that round-trip every model and never clobber what isn't theirs: every layer's and optimizer's state dict in
every format (0-d, empty and every dtype), targets that are not regular files, permissions, concurrent saves, every
pickle protocol, PyTorch's files (zip read, legacy refused), bfloat16 safetensors, and size checks before inflating."""
import io, os, pickle, stat, subprocess, sys, threading, zipfile
import numpy as np
import pytest
import torch

import maxine
from maxine import nn, optim
from maxine.serialization import save, load, LoadError, TEMP_SUFFIX

FORMATS = ['pt', 'npz', 'safetensors']


def layers():
    "One of each of maxine.nn's layers with weights or buffers"
    maxine.manual_seed(0)
    return {'Linear': nn.Linear(3, 2), 'Conv2d': nn.Conv2d(2, 3, 3), 'ConvTranspose2d': nn.ConvTranspose2d(2, 3, 3),
            'BatchNorm2d': nn.BatchNorm2d(3), 'BatchNorm1d': nn.BatchNorm1d(3), 'LayerNorm': nn.LayerNorm(4),
            'GroupNorm': nn.GroupNorm(2, 4), 'Embedding': nn.Embedding(5, 3), 'LSTM': nn.LSTM(3, 4, bidirectional=True),
            'GRU': nn.GRU(3, 4, num_layers=2), 'MultiheadAttention': nn.MultiheadAttention(4, 2),
            'Transformer': nn.TransformerEncoderLayer(4, 2, 8), 'PReLU': nn.PReLU(), 'RMSNorm': nn.RMSNorm(4)}


def same(a, b):
    assert sorted(a) == sorted(b)                         # .safetensors keeps its keys sorted
    for k in a:
        x, y = a[k], b[k]
        if isinstance(x, dict): same(x, y); continue
        if isinstance(x, (list, tuple)): assert list(x) == list(y); continue
        x, y = np.asarray(x), np.asarray(y)
        assert x.shape == y.shape and x.dtype == y.dtype, (k, x.shape, y.shape, x.dtype, y.dtype)
        np.testing.assert_array_equal(x, y)


@pytest.mark.parametrize('fmt', FORMATS)
@pytest.mark.parametrize('name', sorted(layers()))
def test_every_layer_state_dict_round_trips(tmp_path, name, fmt):
    layer = layers()[name]
    if name == 'BatchNorm2d': layer(maxine.randn(2, 3, 5, 5))                 # running stats move
    state = layer.state_dict()
    save(state, tmp_path / f'm.{fmt}')
    back = load(tmp_path / f'm.{fmt}')
    same(state, back)
    layer.load_state_dict(back)


@pytest.mark.parametrize('fmt', FORMATS)
def test_zero_d_empty_and_every_dtype_round_trip(tmp_path, fmt):
    state = {'scalar': maxine.tensor(3.5), 'count': maxine.tensor(7), 'empty': maxine.zeros(0, 3),
             'flag': maxine.tensor([True, False])}
    for dtype in (np.float16, np.float32, np.float64, np.int8, np.uint8, np.int16, np.int32, np.int64):
        state[np.dtype(dtype).name] = maxine.tensor(np.arange(6).reshape(2, 3).astype(dtype))
    save(state, tmp_path / f's.{fmt}')
    same(state, load(tmp_path / f's.{fmt}'))


@pytest.mark.parametrize('opt_name', ['SGD', 'Adam', 'AdamW', 'RMSprop', 'Adagrad', 'Adadelta', 'Adamax', 'NAdam', 'RAdam'])
def test_every_optimizer_state_dict_round_trips(tmp_path, opt_name):
    p = maxine.tensor([[1., 2.], [3., 4.]], requires_grad=True)
    opt = getattr(optim, opt_name)([p], lr=0.1, **({'momentum': 0.9} if opt_name == 'SGD' else {}))
    for _ in range(2):
        (p * p).sum().backward(); opt.step(); opt.zero_grad()
    save(opt.state_dict(), tmp_path / 'opt.pt')
    back = load(tmp_path / 'opt.pt')
    assert back['param_groups'] == opt.state_dict()['param_groups']
    same({str(k): v for k, v in back['state'][0].items()}, {str(k): v for k, v in opt.state_dict()['state'][0].items()})
    opt.load_state_dict(back)


def test_npz_keeps_keys_numpy_would_take_for_its_arguments(tmp_path):
    state = {'file': maxine.ones(2), 'allow_pickle': maxine.zeros(3), 'data.pkl': maxine.tensor(1.)}
    save(state, tmp_path / 'odd.npz')
    same(state, load(tmp_path / 'odd.npz'))


@pytest.mark.parametrize('protocol', [0, 1, 2, 3, 4, 5])
def test_every_pickle_protocol_maxine_writes_it_reads(tmp_path, protocol):
    state = {'w': maxine.tensor([1., 2.]), 'p': nn.Parameter(maxine.ones(2)), 'n': 3}
    save(state, tmp_path / 'p.pt', pickle_protocol=protocol)
    back = load(tmp_path / 'p.pt')
    assert back['w'].tolist() == [1., 2.] and isinstance(back['p'], nn.Parameter) and back['n'] == 3


def test_torch_save_files_load_and_legacy_ones_are_named(tmp_path):
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.BatchNorm1d(2))
    sd = theirs.state_dict()
    sd['half'] = torch.ones(2, dtype=torch.bfloat16) * 1.5
    sd['view'] = torch.arange(12.).reshape(3, 4).t()                  # strided, not contiguous
    torch.save(sd, tmp_path / 'torch.pt')
    back = load(tmp_path / 'torch.pt')
    for k, v in sd.items():
        expected = v.float().numpy() if v.dtype == torch.bfloat16 else v.numpy()
        np.testing.assert_array_equal(back[k].numpy(), expected)
        assert back[k].shape == tuple(v.shape)
    ours = maxine.nn.Sequential(maxine.nn.Linear(3, 2), maxine.nn.BatchNorm1d(2))
    ours.load_state_dict({k: v for k, v in back.items() if k not in ('half', 'view')})
    torch.save(sd, tmp_path / 'old.pt', _use_new_zipfile_serialization=False)
    with pytest.raises(LoadError, match='before version 1.6'): load(tmp_path / 'old.pt')
    torch.save({'code': torch.nn.Linear(2, 2)}, tmp_path / 'module.pt')
    with pytest.raises(pickle.UnpicklingError, match='refusing to rebuild'): load(tmp_path / 'module.pt')


def test_bfloat16_and_float16_safetensors_load(tmp_path):
    import safetensors.torch
    tensors = {'bf': torch.tensor([1.5, -2.25, 3e5], dtype=torch.bfloat16), 'h': torch.tensor([0.5, 1.0], dtype=torch.float16)}
    safetensors.torch.save_file(tensors, tmp_path / 'w.safetensors')
    back = load(tmp_path / 'w.safetensors')
    assert back['bf'].dtype == np.float32 and back['bf'].tolist() == tensors['bf'].float().tolist()
    assert back['h'].dtype == np.float16 and back['h'].tolist() == [0.5, 1.0]


def test_sizes_are_checked_before_inflating(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, 'w', zipfile.ZIP_DEFLATED) as z:          # a header that lies about its size
        with z.open('w.npy', 'w') as member:
            np.lib.format.write_array_header_1_0(member, {'descr': '<f8', 'fortran_order': False, 'shape': (10 ** 6,)})
            member.write(b'\0' * 8)
    (tmp_path / 'lie.npz').write_bytes(buffer.getvalue())
    with pytest.raises(LoadError, match='declares'): load(tmp_path / 'lie.npz')


@pytest.mark.skipif(not hasattr(os, 'mkfifo'), reason='no named pipes here')
def test_save_writes_only_to_regular_files(tmp_path):
    state = {'w': maxine.ones(2)}
    os.mkfifo(tmp_path / 'pipe')
    with pytest.raises(OSError, match='not a regular file'): save(state, tmp_path / 'pipe')
    assert stat.S_ISFIFO(os.stat(tmp_path / 'pipe').st_mode)
    os.symlink(tmp_path / 'pipe', tmp_path / 'to-pipe')   # a link to a device is refused alike (never tested on a
    with pytest.raises(OSError, match='not a regular file'): save(state, tmp_path / 'to-pipe')   # real one: a bug would replace it)
    assert os.path.islink(tmp_path / 'to-pipe') and stat.S_ISFIFO(os.stat(tmp_path / 'pipe').st_mode)
    with pytest.raises(IsADirectoryError): save(state, tmp_path)


@pytest.mark.skipif(os.geteuid() == 0, reason='root may write a read-only file, as open() lets it')
def test_a_read_only_checkpoint_is_refused_as_open_refuses_it(tmp_path):
    path = tmp_path / 'ro.pt'
    save({'w': maxine.ones(2)}, path)
    os.chmod(path, 0o444)
    with pytest.raises(PermissionError): save({'w': maxine.zeros(2)}, path)
    assert load(path)['w'].tolist() == [1., 1.]


def test_save_asks_the_system_whether_this_user_may_write(tmp_path, monkeypatch):
    "As root the test above is skipped (root may write anything); here the system says no, as it would to a user"
    path = tmp_path / 'ro.pt'
    save({'w': maxine.ones(2)}, path)
    real_access = os.access
    monkeypatch.setattr(os, 'access', lambda p, mode, **kw: False if str(p) == str(path) and mode & os.W_OK else real_access(p, mode, **kw))
    with pytest.raises(PermissionError, match='ro.pt'): save({'w': maxine.zeros(2)}, path)
    assert load(path)['w'].tolist() == [1., 1.]


def test_concurrent_saves_to_one_path_all_succeed(tmp_path):
    path, errors = tmp_path / 'm.pt', []
    def saver(k):
        try:
            for _ in range(10): save({'w': maxine.full((2000,), float(k))}, path)
        except Exception as e: errors.append(e)
    threads = [threading.Thread(target=saver, args=(k,)) for k in range(6)]
    for t in threads: t.start()
    for t in threads: t.join()
    assert not errors
    w = load(path)['w']
    assert len(set(w.tolist())) == 1                                   # a whole file from one writer
    script = f"import maxine\nfor _ in range(15): maxine.save({{'w': maxine.ones(3000)}}, {str(path)!r})"
    procs = [subprocess.Popen([sys.executable, '-c', script]) for _ in range(4)]
    assert all(p.wait() == 0 for p in procs)
    assert not [n for n in os.listdir(tmp_path) if n.endswith(TEMP_SUFFIX)]


def test_cleanup_removes_only_this_targets_stale_temp_files(tmp_path):
    other = tmp_path / f'.m.pt.bak.{os.getpid()}.abc{TEMP_SUFFIX}'            # another target's save in progress
    dead = tmp_path / f'.m.pt.999999999.abc{TEMP_SUFFIX}'                     # this target's, from a killed process
    other.write_bytes(b'x'); dead.write_bytes(b'x')
    save({'w': maxine.ones(1)}, tmp_path / 'm.pt')
    assert other.exists() and not dead.exists()
