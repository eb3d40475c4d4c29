"maxine.learner: callbacks and events, safe and atomic save/load, resuming, and the maxine-train command."
import os, pickle, subprocess, sys
from pathlib import Path

import numpy as np
import pytest

import maxine
from maxine import nn, optim, tensor
from maxine.learner import Learner, Callback, CancelBatchException, CancelFitException
from maxine.callbacks import EarlyStopping, Checkpoint
from maxine.serialization import save, load, UnsafeLoadError
from maxine.cli import main
from maxine.data import DataLoaders, TensorDataset


def tiny_dls(n=64, seed=0):
    r = np.random.default_rng(seed)
    x = r.standard_normal((n, 4)).astype(np.float32)
    y = (x[:, 0] + x[:, 1] > 0).astype(np.int64)
    return DataLoaders.from_datasets(TensorDataset(x[:48], y[:48]), TensorDataset(x[48:], y[48:]), batch_size=8, seed=seed)


def tiny_learner(**kwargs):
    maxine.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Dropout(0.1), nn.Linear(8, 2))
    return Learner(model, tiny_dls(), opt_func=optim.Adam, lr=1e-2, quiet=True, **kwargs)


class Events(Callback):
    def __init__(self): self.seen = []
    def __getattr__(self, name):
        if name.startswith(('before_', 'after_')): return lambda: self.seen.append(name)
        raise AttributeError(name)


def test_events_in_order():
    events = Events()
    learn = tiny_learner(cbs=[events])
    learn.fit(1)
    seen = events.seen
    assert seen[0] == 'before_fit' and seen[-1] == 'after_fit'
    assert seen[1:5] == ['before_epoch', 'before_batch', 'after_pred', 'after_loss']
    first_batch = seen[2:seen.index('after_batch') + 1]
    assert first_batch == ['before_batch', 'after_pred', 'after_loss', 'after_backward', 'after_step', 'after_batch']
    assert seen.count('after_step') == len(learn.dls.train)
    v = seen.index('before_validate')
    assert 'after_backward' not in seen[v:] and seen[-3:] == ['after_validate', 'after_epoch', 'after_fit']


def test_cancel_exceptions():
    class SkipOdd(Callback):
        def before_batch(self):
            if self.learn.training and self.learn.iter % 2: raise CancelBatchException()
    learn = tiny_learner(cbs=[SkipOdd()])
    learn.fit(1)
    assert len(learn.recorder.losses) == len(learn.dls.train) // 2
    class StopFit(Callback):
        def after_step(self): raise CancelFitException()
    learn = tiny_learner()
    learn.fit(3, cbs=[StopFit()])
    assert len(learn.recorder.losses) == 1 and learn.recorder.epochs == []
    assert not any(isinstance(cb, StopFit) for cb in learn.cbs)          # fit-only callbacks are removed


def test_training_learns_and_records():
    learn = tiny_learner()
    learn.fit_one_cycle(8, 3e-2)
    rec = learn.recorder
    assert len(rec.epochs) == 8 and rec.epochs[-1]['accuracy'] >= 0.85
    assert rec.epochs[-1]['train_loss'] < rec.epochs[0]['train_loss']
    assert max(rec.lrs) == pytest.approx(3e-2, rel=0.05) and rec.lrs[0] < 3e-2 / 10
    assert rec.plot_loss() is not None and rec.plot_metrics() is not None


def test_early_stopping():
    class WorseEachEpoch(Callback):
        order = 55                                     # after the Recorder, before EarlyStopping
        def after_epoch(self): self.learn.recorder.epochs[-1]['valid_loss'] = float(self.learn.epoch)
    learn = tiny_learner()
    learn.fit(10, cbs=[WorseEachEpoch(), EarlyStopping(patience=2)])
    assert [e['epoch'] for e in learn.recorder.epochs] == [0, 1, 2]     # best at 0, no better for 2 epochs: stop
    class BetterUntil4(Callback):
        order = 55
        def after_epoch(self): self.learn.recorder.epochs[-1]['valid_loss'] = float(abs(self.learn.epoch - 4))
    for patience, epochs in ((1, 6), (3, 8), (10, 10)):              # the best is epoch 4; then `patience` epochs more
        learn = tiny_learner()
        learn.fit(10, cbs=[BetterUntil4(), EarlyStopping(patience=patience)])
        assert len(learn.recorder.epochs) == epochs, (patience, len(learn.recorder.epochs))
    learn = tiny_learner()
    learn.fit(10, cbs=[BetterUntil4(), EarlyStopping(monitor='valid_loss', mode='max', patience=1)])
    assert len(learn.recorder.epochs) == 2                             # 'max': epoch 1 (3.0) is worse than epoch 0 (4.0)


def test_lr_find_restores_model_and_suggests():
    learn = tiny_learner()
    before = {k: v.detach().numpy().copy() for k, v in learn.model.state_dict().items()}
    lr = learn.lr_find(num_it=30, show_plot=False)
    assert 1e-7 <= lr <= 10
    for k, v in learn.model.state_dict().items(): np.testing.assert_array_equal(v.detach().numpy(), before[k])


def test_resume_from_checkpoint_gives_identical_weights(tmp_path):
    straight = tiny_learner()
    straight.fit_one_cycle(5, 2e-2)
    class StopAfterThree(Callback):
        order = 90
        def after_epoch(self):
            if self.learn.epoch == 2: raise CancelFitException()
    first = tiny_learner()
    first.fit_one_cycle(5, 2e-2, cbs=[Checkpoint(tmp_path / 'ckpt.pkl'), StopAfterThree()])
    maxine.manual_seed(123)                            # disturb the global generator: the checkpoint must restore it
    resumed = tiny_learner()
    resumed.fit_one_cycle(5, 2e-2, cbs=[Checkpoint(tmp_path / 'ckpt.pkl', resume=True)])   # the callback owns resuming
    for (k, a), b in zip(straight.model.state_dict().items(), resumed.model.state_dict().values()):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy(), err_msg=k)


def test_save_load_round_trips(tmp_path):
    learn = tiny_learner()
    learn.fit(1)
    for name in ('sd.pkl', 'sd.npz'):
        save(learn.model.state_dict(), tmp_path / name)
        loaded = load(tmp_path / name)
        for k, v in learn.model.state_dict().items(): np.testing.assert_array_equal(loaded[k].detach().numpy(), v.detach().numpy())
    save(learn.opt.state_dict(), tmp_path / 'opt.pkl')
    opt2 = optim.Adam(learn.model.parameters()); opt2.load_state_dict(load(tmp_path / 'opt.pkl'))
    assert opt2.state[learn.model[0].weight]['step'] == len(learn.dls.train)
    learn.fit(1, cbs=[Checkpoint(tmp_path / 'ckpt.pkl')])
    assert load(tmp_path / 'ckpt.pkl')['epoch'] == 0
    save({'t': tensor([1., 2.], requires_grad=True), 'x': np.float64(2.0), 'n': [1, (2, 'a')]}, tmp_path / 'misc.pkl')
    misc = load(tmp_path / 'misc.pkl')
    assert misc['t'].requires_grad and misc['n'] == [1, (2, 'a')]


def test_safe_load_refuses_code_and_foreign_objects(tmp_path):
    class Evil:
        def __reduce__(self): return (os.system, ('touch ' + str(tmp_path / 'pwned'),))
    (tmp_path / 'evil.pkl').write_bytes(pickle.dumps(Evil()))
    with pytest.raises(UnsafeLoadError, match='refusing to rebuild posix.system'): load(tmp_path / 'evil.pkl')
    assert not (tmp_path / 'pwned').exists()
    save(nn.Linear(2, 2), tmp_path / 'module.pkl')
    with pytest.raises(UnsafeLoadError, match='weights_only=False'): load(tmp_path / 'module.pkl')
    assert isinstance(load(tmp_path / 'module.pkl', weights_only=False), nn.Linear)
    with pytest.raises(TypeError, match='dict of tensors'): save([1, 2], tmp_path / 'x.npz')


def test_failed_save_keeps_the_previous_file(tmp_path, monkeypatch):
    path = tmp_path / 'model.pkl'
    save({'w': tensor([1., 2.])}, path)
    before = path.read_bytes()
    def crash(fd): raise OSError('No space left on device')          # the new file is written, not yet on disk
    monkeypatch.setattr(os, 'fsync', crash)
    with pytest.raises(OSError, match='No space left'): save({'w': tensor([3., 4.])}, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ['model.pkl']             # no temporary file left


def test_cli_trains_saves_and_plots(tmp_path, capsys):
    assert main(['--epochs', '1', '--model', 'linear', '--save', str(tmp_path / 'w.pkl'), '--plot', str(tmp_path / 'loss.png')]) == 0
    out = capsys.readouterr().out
    assert 'final validation accuracy: 0.9' in out
    assert (tmp_path / 'loss.png').read_bytes()[:4] == b'\x89PNG'
    assert set(load(tmp_path / 'w.pkl')) == {'0.weight', '0.bias'}


@pytest.mark.parametrize('args,message', [(['--epochs', '0'], 'must be a positive number'), (['--lr', '-1'], 'must be a positive number'),
                                          (['--bs', 'ten'], "invalid int value"), (['--model', 'resnet50'], 'invalid choice'),
                                          (['--data', 'cifar'], 'invalid choice')])
def test_cli_bad_values_exit_2(args, message, capsys):
    with pytest.raises(SystemExit) as exit_info: main(args)
    assert exit_info.value.code == 2 and message in capsys.readouterr().err


def test_cli_missing_data_is_a_clear_error(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv('MAXINE_DATA', raising=False)
    monkeypatch.setenv('XDG_CACHE_HOME', str(tmp_path))
    monkeypatch.setattr(maxine.data, 'MNIST_MIRRORS', ['http://127.0.0.1:9/'])
    assert main(['--data', 'mnist', '--quiet']) == 1
    assert 'MAXINE_DATA' in capsys.readouterr().err


def test_console_script_runs_with_no_arguments():
    exe = Path(sys.executable).parent / 'maxine-train'
    if not exe.exists(): pytest.skip(f"the console script is not installed next to {sys.executable}")
    help_text = subprocess.run([exe, '--help'], capture_output=True, text=True, check=True).stdout
    for option in ('--data', '--model', '--epochs', '--lr', '--bs', '--opt', '--seed', '--save', '--plot'): assert option in help_text
    run = subprocess.run([exe], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    accuracy = float(run.stdout.strip().splitlines()[-1].split()[-1])
    assert accuracy > 0.97


def test_seeded_runs_are_reproducible():
    from maxine.cli import train, parse_args
    a = train(parse_args(['--epochs', '1', '--quiet', '--seed', '7'])).model.state_dict()
    b = train(parse_args(['--epochs', '1', '--quiet', '--seed', '7'])).model.state_dict()
    for k in a: np.testing.assert_array_equal(a[k].detach().numpy(), b[k].detach().numpy())


def test_models_of_the_command():
    from maxine.models import image_model
    x = tensor(np.zeros((2, 784), np.float32))
    for name, n_weights in [('linear', 7_850), ('mlp', 535_818), ('cnn', 54_890), ('resnet', 1_224_186)]:
        model = image_model(name, 10)
        assert model(x).shape == (2, 10)
        assert sum(p.numel() for p in model.parameters()) == n_weights, name
    with pytest.raises(ValueError, match="expected 'linear', 'mlp', 'cnn', 'resnet'"): image_model('resnet50', 10)


def test_recorded_validation_loss_and_accuracy_are_those_of_the_whole_validation_set():
    "Batches of 8, 8 and 3: each batch's mean weighted by its size, so the last, short batch counts for 3 items"
    r = np.random.default_rng(1)
    x = r.standard_normal((67, 4)).astype(np.float32)
    y = (x[:, 0] > 0.3).astype(np.int64)
    dls = DataLoaders.from_datasets(TensorDataset(x[:48], y[:48]), TensorDataset(x[48:], y[48:]), batch_size=8, seed=0)
    maxine.manual_seed(0)
    learn = Learner(nn.Sequential(nn.Linear(4, 2)), dls, opt_func=optim.SGD, lr=0.1, quiet=True)
    learn.fit(2)
    learn.model.eval()
    with maxine.no_grad(): preds = learn.model(tensor(x[48:]))
    row = learn.recorder.epochs[-1]
    assert row['valid_loss'] == pytest.approx(nn.functional.cross_entropy(preds, tensor(y[48:])).item(), rel=1e-6)
    assert row['accuracy'] == pytest.approx(float((preds.numpy().argmax(1) == y[48:]).mean()), rel=1e-6)
    assert len(learn.recorder.losses) == 2 * 6 and row['epoch'] == 1
