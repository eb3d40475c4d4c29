"""Arguments that maxine honours the way PyTorch does (or refuses, where PyTorch's meaning needs what maxine lacks)."""
import numpy as np
import pytest
import torch

import maxine
from maxine import nn
import maxine.nn.functional as F


def test_out_of_the_factories_is_written_as_in_torch():
    for lib in (maxine, torch):
        out = lib.empty(0)
        assert lib.zeros(2, 3, out=out) is out and tuple(out.shape) == (2, 3)
        lib.arange(5, out=out); lib.linspace(0, 1, 3, out=out)
        assert out.tolist() == [0., 0.5, 1.]
        lib.cat([lib.ones(2), lib.zeros(1)], out=out)
        assert out.tolist() == [1., 1., 0.]
    assert maxine.zeros(size=(2, 2)).shape == (2, 2)


def test_integer_random_tensors_refuse_gradients_as_in_torch():
    for lib in (maxine, torch):
        with pytest.raises(RuntimeError): lib.randint(0, 5, (3,), requires_grad=True)
        with pytest.raises(RuntimeError): lib.randperm(4, requires_grad=True)


@pytest.mark.parametrize('max_norm,norm_type', [(None, 2.0), (1.0, 2.0), (0.5, 1.0)])
def test_embedding_max_norm_and_scale_grad_by_freq_match_torch(max_norm, norm_type):
    weight = np.random.default_rng(0).standard_normal((6, 3))
    ids = np.array([[1, 2, 1], [4, 1, 0]])
    results = []
    for lib in (maxine, torch):
        emb = lib.nn.Embedding(6, 3, max_norm=max_norm, norm_type=norm_type, scale_grad_by_freq=True).double()
        with lib.no_grad(): emb.weight.copy_(lib.tensor(weight))
        out = emb(lib.tensor(ids))
        (out * lib.tensor(np.arange(18.).reshape(2, 3, 3))).sum().backward()
        results.append((out.detach().numpy(), emb.weight.grad.numpy(), emb.weight.detach().numpy()))
    for a, b in zip(*results): np.testing.assert_allclose(a, b, rtol=1e-6)
    with pytest.raises(NotImplementedError, match='sparse'): nn.Embedding(3, 2, sparse=True)


def test_load_state_dict_assign_as_in_torch():
    for lib in (maxine, torch):
        layer = lib.nn.Linear(2, 2)
        weight = lib.nn.Parameter(lib.ones(2, 2))
        layer.load_state_dict({'weight': weight, 'bias': lib.zeros(2)}, assign=True)
        assert layer.weight.tolist() == [[1., 1.], [1., 1.]] and layer.weight.requires_grad
        assert isinstance(layer.weight, lib.nn.Parameter)


def test_module_init_refuses_arguments_as_in_torch():
    for lib in (maxine, torch):
        class Net(lib.nn.Module):
            def __init__(self, size): super().__init__(size)
        with pytest.raises(TypeError): Net(3)


def test_worker_options_are_checked_as_in_torch():
    data = maxine.utils.data.TensorDataset(maxine.arange(10.))
    for lib, dataset in ((maxine, data), (torch, torch.utils.data.TensorDataset(torch.arange(10.)))):
        with pytest.raises(ValueError, match='prefetch_factor'): lib.utils.data.DataLoader(dataset, prefetch_factor=2)
        with pytest.raises(ValueError, match='persistent_workers'): lib.utils.data.DataLoader(dataset, persistent_workers=True)
    seen = []
    def init(worker_id): seen.append((worker_id, maxine.utils.data.get_worker_info().num_workers))
    batches = list(maxine.utils.data.DataLoader(data, batch_size=4, num_workers=2, worker_init_fn=init))
    assert seen == [(0, 1)] and len(batches) == 3 and maxine.utils.data.get_worker_info() is None


def test_what_needs_missing_machinery_is_refused():
    p = maxine.tensor([1.], requires_grad=True)
    with pytest.raises(NotImplementedError, match='differentiable'): maxine.optim.SGD([p], lr=0.1, differentiable=True)
    with pytest.raises(NotImplementedError, match='CUDA graphs'): maxine.optim.Adam([p], capturable=True)
    with pytest.raises(NotImplementedError, match='sparse'): maxine.gather(maxine.ones(2, 2), 1, maxine.tensor([[0], [1]]), sparse_grad=True)
    with pytest.raises(NotImplementedError, match="pickle only"): maxine.save({}, '/tmp/x.pt', pickle_module=np)
    with pytest.raises(TypeError, match='memory_format'): maxine.zeros(2).clone(memory_format='channels_last')
    assert maxine.zeros(2).clone(memory_format=maxine.contiguous_format).shape == (2,)


def test_normalize_inplace_and_resize_as_torchvision():
    from maxine.vision import transforms
    x = maxine.ones(1, 2, 2)
    assert transforms.Normalize([0.5], [0.25], inplace=True)(x) is x and x.tolist() == [[[2., 2.], [2., 2.]]]
