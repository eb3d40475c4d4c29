"State dicts move between maxine and PyTorch: in memory, and through .safetensors files either way."
import numpy as np
import pytest

import maxine
from maxine import nn as mnn

torch = pytest.importorskip('torch')
safetensors_torch = pytest.importorskip('safetensors.torch')


def maxine_net():
    return mnn.Sequential(mnn.Conv2d(1, 4, 3, padding=1), mnn.BatchNorm2d(4), mnn.ReLU(), mnn.MaxPool2d(2), mnn.Flatten(),
                          mnn.Linear(4 * 4 * 4, 8), mnn.LayerNorm(8), mnn.Linear(8, 3))


def torch_net():
    t = torch.nn
    return t.Sequential(t.Conv2d(1, 4, 3, padding=1), t.BatchNorm2d(4), t.ReLU(), t.MaxPool2d(2), t.Flatten(),
                        t.Linear(4 * 4 * 4, 8), t.LayerNorm(8), t.Linear(8, 3))


X = np.random.default_rng(0).standard_normal((5, 1, 8, 8)).astype(np.float32)


def outputs(m_net, t_net):
    m_net.eval(); t_net.eval()
    with torch.no_grad(): theirs = t_net(torch.from_numpy(X)).numpy()
    return m_net(maxine.tensor(X)).detach().numpy(), theirs


def trained_maxine_net():
    maxine.manual_seed(0)
    net = maxine_net()
    net(maxine.tensor(X)).sum().backward()          # one training-mode pass: BatchNorm's running statistics move
    return net


def test_same_keys_and_shapes_as_torch():
    ours, theirs = maxine_net().state_dict(), torch_net().state_dict()
    assert list(ours) == list(theirs)
    assert [tuple(v.shape) for v in ours.values()] == [tuple(v.shape) for v in theirs.values()]


def test_maxine_weights_load_into_torch():
    ours = trained_maxine_net()
    theirs = torch_net()
    theirs.load_state_dict({k: torch.from_numpy(v.numpy().copy()) for k, v in ours.state_dict().items()})
    np.testing.assert_allclose(*outputs(ours, theirs), rtol=1e-5, atol=1e-6)


def test_torch_weights_load_into_maxine():
    torch.manual_seed(0)
    theirs = torch_net()
    theirs(torch.from_numpy(X))                        # move the running statistics
    ours = maxine_net()
    ours.load_state_dict(theirs.state_dict())          # torch tensors, as they are
    np.testing.assert_allclose(*outputs(ours, theirs), rtol=1e-5, atol=1e-6)
    assert ours[5].w.shape == (64, 8) and np.shares_memory(ours[5].w.detach().numpy(), ours[5].weight.detach().numpy())


def test_through_safetensors_files_both_ways(tmp_path):
    ours = trained_maxine_net()
    maxine.save(ours.state_dict(), tmp_path / 'maxine.safetensors')
    theirs = torch_net()
    theirs.load_state_dict(safetensors_torch.load_file(str(tmp_path / 'maxine.safetensors')))
    np.testing.assert_allclose(*outputs(ours, theirs), rtol=1e-5, atol=1e-6)

    torch.manual_seed(1)
    theirs = torch_net()
    safetensors_torch.save_file(theirs.state_dict(), str(tmp_path / 'torch.safetensors'))
    ours = maxine_net()
    ours.load_state_dict(maxine.load(tmp_path / 'torch.safetensors'))
    np.testing.assert_allclose(*outputs(ours, theirs), rtol=1e-5, atol=1e-6)


def test_a_torch_save_file_loads_into_the_maxine_model(tmp_path):
    theirs = torch_net()
    torch.save(theirs.state_dict(), tmp_path / 'model.pt')
    ours = maxine_net()
    ours.load_state_dict(maxine.load(tmp_path / 'model.pt'))
    np.testing.assert_allclose(*outputs(ours, theirs), rtol=1e-5, atol=1e-6)

