"maxine.data: MNIST from MAXINE_DATA, damaged files, downloads from a local server, and the DataLoader."
import gzip, os, re, shutil, threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

import maxine
from maxine import data
from maxine.data import DataLoader, TensorDataset, MNIST_MD5

from mnist_files import MNIST_FOLDER as SHARED, needs_mnist


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    "No MAXINE_DATA and an empty cache, so only what a test puts in place is found"
    monkeypatch.delenv('MAXINE_DATA', raising=False)
    monkeypatch.setenv('XDG_CACHE_HOME', str(tmp_path / 'cache'))
    return tmp_path


# --- the real files ------------------------------------------------------------------------------------------------

@needs_mnist
def test_mnist_from_maxine_data(monkeypatch):
    monkeypatch.setenv('MAXINE_DATA', str(SHARED))
    x_train, y_train, x_test, y_test = data.load_mnist(download=False)
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert x_train.dtype == np.uint8 and y_train.dtype == np.int64
    assert np.bincount(y_train).tolist() == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    assert np.bincount(y_test).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    assert int(x_train.sum(dtype=np.int64)) == 1567298545 and int(x_test.sum(dtype=np.int64)) == 264923200
    train = data.MNIST(train=True, download=False)
    assert len(train) == 60000 and train.data.shape == (60000, 28, 28) and train.targets.dtype == np.int64
    x, y = train[0]
    assert x.shape == (28, 28) and y == 5 and isinstance(y, int)          # torchvision's item: a Python int label


@needs_mnist
def test_gz_and_uncompressed_give_the_same_arrays(isolated):
    plain = isolated / 'plain'
    plain.mkdir()
    for name in MNIST_MD5: (plain / name.removesuffix('.gz')).write_bytes(gzip.decompress((SHARED / name).read_bytes()))
    for a, b in zip(data.load_mnist(plain, download=False), data.load_mnist(SHARED, download=False)):
        np.testing.assert_array_equal(a, b)


@needs_mnist
def test_mnist_3v7_and_the_embedded_sample():
    x, y, xv, yv = data.mnist_3v7(SHARED, download=False)
    assert (len(x), len(xv)) == (12396, 2038) and set(np.unique(y)) == {0, 1}
    sx, sy, sxv, syv = data.mnist_3v7_sample()
    np.testing.assert_array_equal(sx[:2000], x[y == 0][:2000])          # made from the full files as documented
    np.testing.assert_array_equal(sxv[-500:], xv[yv == 1][:500])
    sample = Path(maxine.__file__).parent / 'data_files' / 'mnist_3v7_sample.npz'
    assert sample.stat().st_size <= 1_000_000
    assert 'CC BY-SA 3.0' in (sample.parent / 'README.md').read_text()


# --- damaged files -------------------------------------------------------------------------------------------------

def test_read_idx_round_trip_and_damage(tmp_path):
    a = np.arange(24, dtype=np.uint8).reshape(2, 3, 4)
    for name in ('a', 'a.gz'):
        data.write_idx(tmp_path / name, a)
        np.testing.assert_array_equal(data.read_idx(tmp_path / name), a)
    raw = (tmp_path / 'a').read_bytes()
    cases = {'truncated': raw[:-1], 'header': raw[:9], 'long': raw + b'\0', 'magic': b'\x08\x03' + raw[2:],
             'gz': gzip.compress(raw)[:-6], 'empty': b''}
    messages = {'truncated': 'truncated: shape (2, 3, 4) needs 24 bytes of data, the file has 23',
                'header': 'truncated: the header needs 16 bytes', 'long': 'too long', 'magic': 'not an IDX file',
                'gz': 'gzip data is corrupted or truncated', 'empty': 'not an IDX file'}
    for case, content in cases.items():
        (tmp_path / case).write_bytes(content)
        with pytest.raises(ValueError, match=re.escape(messages[case])) as err: data.read_idx(tmp_path / case)
        assert str(tmp_path / case) in str(err.value)


@needs_mnist
def test_damaged_local_mnist_file_is_reported_not_deleted(isolated):
    folder = isolated / 'mnist'
    shutil.copytree(SHARED, folder)
    labels = folder / 't10k-labels-idx1-ubyte.gz'
    damaged = labels.read_bytes()[:-100]
    labels.write_bytes(damaged)
    with pytest.raises(ValueError, match='t10k-labels-idx1-ubyte.gz: MD5 .* does not match'): data.load_mnist(folder, download=False)
    assert labels.read_bytes() == damaged


def test_missing_files_without_download_say_where_to_put_them(isolated):
    with pytest.raises(FileNotFoundError, match='MAXINE_DATA') as err: data.load_mnist(isolated / 'nowhere', download=False)
    assert 'train-images-idx3-ubyte.gz' in str(err.value) and str(isolated / 'nowhere') in str(err.value)


# --- downloads from a server on 127.0.0.1 -------------------------------------------------------------------------

class DroppingHandler(SimpleHTTPRequestHandler):
    "Announces the whole file, sends half of it, and closes the connection"
    def do_GET(self):
        path = Path(self.translate_path(self.path))
        if not path.is_file(): return self.send_error(404)
        body = path.read_bytes()
        self.send_response(200)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body[:len(body) // 2])
        self.wfile.flush()
        self.close_connection = True

    def log_message(self, *args): pass


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args): pass


@pytest.fixture
def serve():
    "serve(folder, handler) -> base URL of an HTTP server on 127.0.0.1 serving `folder`"
    servers = []
    def start(folder, handler=QuietHandler):
        server = ThreadingHTTPServer(('127.0.0.1', 0), partial(handler, directory=str(folder)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"
    yield start
    for s in servers: s.shutdown(); s.server_close()


def corrupted_copy(folder):
    "The MNIST files with one byte changed in each (wrong checksum)"
    folder.mkdir()
    for name in MNIST_MD5:
        content = bytearray((SHARED / name).read_bytes()); content[100] ^= 0xFF
        (folder / name).write_bytes(bytes(content))
    return folder


@needs_mnist
def test_download_tries_mirrors_in_turn_and_checks_md5(isolated, serve):
    bad = serve(corrupted_copy(isolated / 'bad'))
    good = serve(SHARED)
    arrays = data.load_mnist(mirrors=[bad, good], progress=False)
    cache = isolated / 'cache' / 'maxine'
    assert sorted(p.name for p in cache.iterdir()) == sorted(MNIST_MD5)           # no temporary files left
    for name, md5 in MNIST_MD5.items(): assert data.md5sum(cache / name) == md5
    assert arrays[0].shape == (60000, 28, 28)
    assert data.load_mnist(download=False)[3].shape == (10000,)                    # found in the cache next time


@needs_mnist
def test_bad_or_interrupted_downloads_leave_nothing_and_keep_good_files(isolated, serve):
    root = isolated / 'root'
    root.mkdir()
    good_file = root / 'train-labels-idx1-ubyte.gz'
    shutil.copy(SHARED / good_file.name, good_file)
    before = good_file.read_bytes()
    bad, dropping = serve(corrupted_copy(isolated / 'bad')), serve(SHARED, DroppingHandler)
    with pytest.raises(OSError) as err: data.load_mnist(root, mirrors=[bad, dropping], progress=False)
    message = str(err.value)
    assert 'does not match the published' in message
    assert 'closed after' in message or 'IncompleteRead' in message
    assert str(root) in message and 'MAXINE_DATA' in message
    assert sorted(p.name for p in root.iterdir()) == [good_file.name]             # nothing else, no .part files
    assert good_file.read_bytes() == before


def test_no_network_error_names_folder_and_variable(isolated):
    with pytest.raises(OSError, match='set MAXINE_DATA') as err:
        data.load_mnist(mirrors=['http://127.0.0.1:9/'], progress=False)            # port 9: nothing listens
    assert str(isolated / 'cache' / 'maxine') in str(err.value)
    assert not (isolated / 'cache' / 'maxine').exists() or not any((isolated / 'cache' / 'maxine').iterdir())


# --- the data loader -----------------------------------------------------------------------------------------------

def make_ds(n=103):
    return TensorDataset(np.arange(n, dtype=np.float32)[:, None], np.arange(n))


@pytest.mark.parametrize('batch_size', [1, 7, 64, 103, 500])
@pytest.mark.parametrize('shuffle', [False, True])
@pytest.mark.parametrize('drop_last', [False, True])
def test_every_sample_once_per_epoch(batch_size, shuffle, drop_last):
    dl = DataLoader(make_ds(), batch_size, shuffle=shuffle, drop_last=drop_last, seed=0)
    batches = [y.detach().numpy() for _, y in dl]
    assert len(batches) == len(dl)
    assert all(len(b) == batch_size for b in batches[:-1]) and (not drop_last or all(len(b) == batch_size for b in batches))
    seen = np.concatenate(batches) if batches else np.array([], int)
    expected = 103 if not drop_last else (103 // batch_size) * batch_size
    assert len(seen) == expected and len(set(seen.tolist())) == expected
    if not shuffle: assert seen.tolist() == list(range(expected))


def test_shuffle_reproducible_under_seed_and_different_across_epochs():
    def epochs(dl, n=3): return [np.concatenate([y.detach().numpy() for _, y in dl]) for _ in range(n)]
    a, b = epochs(DataLoader(make_ds(), 10, shuffle=True, seed=3)), epochs(DataLoader(make_ds(), 10, shuffle=True, seed=3))
    for x, y in zip(a, b): np.testing.assert_array_equal(x, y)
    assert not np.array_equal(a[0], a[1])
    maxine.manual_seed(5); c = epochs(DataLoader(make_ds(), 10, shuffle=True))
    maxine.manual_seed(5); d = epochs(DataLoader(make_ds(), 10, shuffle=True))
    for x, y in zip(c, d): np.testing.assert_array_equal(x, y)
    e = epochs(DataLoader(make_ds(), 10, shuffle=True, generator=np.random.default_rng(3)))
    np.testing.assert_array_equal(e[0], a[0])


def test_array_backed_batch_is_one_fancy_index():
    calls = []
    class Counting(TensorDataset):
        def __getitem__(self, index):
            calls.append(np.shape(index)); return super().__getitem__(index)
    dl = DataLoader(Counting(np.zeros((100, 3)), np.zeros(100)), batch_size=32)
    assert [x.shape for x, _ in dl] == [(32, 3), (32, 3), (32, 3), (4, 3)]
    assert calls == [()] * 100                          # the subclass's own __getitem__ is called, example by example
    plain = TensorDataset(np.zeros((100, 3)), np.zeros(100))
    fetched = []
    plain.get_batch = lambda idx, get=plain.get_batch: fetched.append(idx.shape) or get(idx)
    assert [x.shape for x, _ in DataLoader(plain, batch_size=32)] == [(32, 3), (32, 3), (32, 3), (4, 3)]
    assert fetched == [(32,), (32,), (32,), (4,)]           # one fancy index per batch


def test_plain_dataset_and_collate():
    class Squares(data.Dataset):
        def __len__(self): return 5
        def __getitem__(self, i): return np.array([i, i * i], np.float32), i
    batches = list(DataLoader(Squares(), batch_size=2))
    assert batches[0][0].detach().numpy().tolist() == [[0, 0], [1, 1]] and batches[2][1].detach().numpy().tolist() == [4]
    with pytest.raises(TypeError, match='__len__|len()'): len(data.Dataset())      # as PyTorch's Dataset


def test_transforms_and_dataloaders():
    images = np.full((10, 28, 28), 255, np.uint8)
    tfm = data.Compose([data.ToFloat(), data.Normalize(0.5, 0.25), data.FlattenImage()])
    ds = TensorDataset(images, np.arange(10), transform=tfm)
    x, y = ds[3]
    assert x.shape == (784,) and x.dtype == np.float32 and np.allclose(x.detach().numpy(), 2.)
    dls = data.DataLoaders.from_datasets(ds, ds, batch_size=4, seed=0)
    assert len(dls.train) == 3 and len(dls.valid) == 2 and dls.valid.batch_size == 8
    assert next(iter(dls.train))[0].shape == (4, 784)


def test_dataloader_errors():
    with pytest.raises(ValueError, match='positive integer'): DataLoader(make_ds(), batch_size=0)
    with pytest.raises(ValueError, match='generator or seed'): DataLoader(make_ds(), generator=np.random.default_rng(), seed=1)
    with pytest.raises(ValueError, match=r'different lengths \[3, 2\]'): TensorDataset(np.zeros(3), np.zeros(2))


@pytest.mark.parametrize('cls,data', [('FashionMNIST', 'fashion-mnist'), ('KMNIST', 'kmnist')])
def test_fashion_and_kmnist_from_small_files_of_their_own(tmp_path, monkeypatch, cls, data):
    "The full sets can't be downloaded here: files of the right format and sizes, made by the test, stand in for them"
    import gzip, warnings
    from maxine.cli import main
    monkeypatch.delenv('MAXINE_DATA', raising=False)
    monkeypatch.setenv('XDG_CACHE_HOME', str(tmp_path / 'cache'))
    folder = tmp_path / cls
    folder.mkdir()
    r = np.random.default_rng(0)
    for prefix, n in (('train', 60000), ('t10k', 10000)):
        labels = r.integers(0, 10, n).astype(np.uint8)
        images = (labels[:, None, None] * 25 + r.integers(0, 5, (n, 28, 28))).astype(np.uint8)   # learnable
        maxine.data.write_idx(folder / f'{prefix}-images-idx3-ubyte', images)
        maxine.data.write_idx(folder / f'{prefix}-labels-idx1-ubyte', labels)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')                       # "its MD5 is not the published one": these are stand-ins
        ds = getattr(maxine.data, cls)(root=tmp_path, train=False, download=False)
        assert len(ds) == 10000 and ds.classes[0] in ('T-shirt/top', 'o')
        image, label = ds[0]
        assert image.shape == (28, 28) and isinstance(label, int)
        assert main(['--data', data, '--root', str(tmp_path), '--model', 'linear', '--epochs', '1', '--quiet']) == 0


def test_augmentation_keeps_labels_digits_are_never_mirrored():
    from maxine.data import augmentation, image_dls, IMAGE_STATS
    names = lambda ts: [type(t).__name__ for t in ts]
    for digits in ('3v7', '3v7-full', 'mnist', 'kmnist'):
        assert names(augmentation(digits)[0]) == ['RandomShift'] and augmentation(digits)[0][0].max_shift == 2
    clothes, how = augmentation('fashion-mnist')
    assert names(clothes) == ['RandomShift', 'RandomHorizontalFlip'] and clothes[0].max_shift == 1 and 'mirrored' in how
    assert IMAGE_STATS['fashion-mnist'] == (0.2860, 0.3530)
    dls, _, what = image_dls('3v7', 16, augment=True)
    assert what.endswith('shifted by up to 2 pixels')
    assert names(dls.train.dataset.transform.transforms)[:1] == ['RandomShift'] and names(dls.valid.dataset.transform.transforms)[0] == 'ToFloat'
