"maxine.resnet beside its PyTorch twin (bench/twins.py): values and every weight's gradient in float64; test-time augmentation."
import sys
from pathlib import Path
import numpy as np
import pytest
import torch

import maxine
from maxine import tensor
from maxine.resnet import ResBlock, fashion_resnet, mirrored, tta

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / 'bench'))
import twins


def compare_with_twin(model, twin, *inputs, atol=1e-9):
    "Forward both in training mode (batch statistics), backprop the same upstream gradient, compare outputs and weight gradients"
    ours = model(*[tensor(x) for x in inputs])
    theirs = twin(*[torch.tensor(x) for x in inputs])
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), atol=atol, rtol=1e-7)
    upstream = np.random.default_rng(1).standard_normal(ours.shape)
    ours.backward(tensor(upstream))
    theirs.backward(torch.tensor(upstream))
    grads = dict(twin.named_parameters())
    for name, p in model.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), grads[name].grad.numpy(), atol=atol, rtol=1e-6, err_msg=name)
    buffers = dict(twin.named_buffers())
    for name, b in model.named_buffers():                    # BatchNorm's running statistics after one step
        np.testing.assert_allclose(b.numpy(), buffers[name].numpy(), atol=1e-12, err_msg=name)


@pytest.mark.parametrize('ni,nf,stride', [(4, 4, 1), (4, 6, 1), (4, 6, 2), (3, 3, 2)])
def test_res_block_matches_torch(ni, nf, stride):
    maxine.manual_seed(0)
    block = ResBlock(ni, nf, stride).double()
    twin = twins.load_weights(twins.ResBlock(ni, nf, stride), block, torch.float64)
    compare_with_twin(block, twin, np.random.default_rng(0).standard_normal((3, ni, 7, 7)))


def test_fashion_resnet_matches_torch_in_training_and_eval():
    maxine.manual_seed(0)
    model = fashion_resnet(10, widths=(8, 16, 32)).double()
    twin = twins.load_weights(twins.fashion_resnet(10, widths=(8, 16, 32)), model, torch.float64)
    x = np.random.default_rng(0).standard_normal((4, 784))
    compare_with_twin(model, twin, x)
    model.eval(); twin.eval()
    np.testing.assert_allclose(model(tensor(x)).detach().numpy(), twin(torch.tensor(x)).detach().numpy(), atol=1e-9)


def test_shortcut_is_the_identity_only_where_shapes_allow():
    assert type(ResBlock(4, 4).shortcut).__name__ == 'Identity'
    assert type(ResBlock(4, 4, stride=2).shortcut).__name__ == 'Sequential'
    assert type(ResBlock(4, 8).shortcut).__name__ == 'Sequential'


def test_mirrored_reverses_each_row_of_flat_and_shaped_images():
    x = np.arange(2 * 784, dtype=np.float32).reshape(2, 784)
    np.testing.assert_array_equal(mirrored(x).numpy(), x.reshape(2, 28, 28)[:, :, ::-1].reshape(2, 784))
    y = np.arange(2 * 3 * 4 * 5, dtype=np.float32).reshape(2, 3, 4, 5)
    np.testing.assert_array_equal(mirrored(y, width=5).numpy(), y[..., ::-1])


def test_tta_averages_the_probabilities_of_both_views_and_keeps_the_mode():
    maxine.manual_seed(0)
    model = fashion_resnet(10, widths=(8, 16))
    x = np.random.default_rng(0).standard_normal((5, 784)).astype(np.float32)
    model.train()
    p = tta(model, x, batch_size=2).numpy()
    assert model.training                                     # put back as it was
    model.eval()
    with maxine.no_grad():
        expected = (maxine.softmax(model(tensor(x)), -1).numpy() + maxine.softmax(model(mirrored(x)), -1).numpy()) / 2
    np.testing.assert_allclose(p, expected, atol=1e-6)
