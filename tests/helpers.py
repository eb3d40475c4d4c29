"Compare maxine with PyTorch: the same function on the same float64 inputs, values, dtypes and gradients."
import numpy as np
import torch
import maxine


def to_numpy(t):
    "A torch tensor (or anything else) as what maxine would hold"
    return t.detach().numpy() if isinstance(t, torch.Tensor) else np.asarray(t)


def check_against_torch(fn, *arrays, torch_fn=None, grad=True, atol=1e-10, rtol=1e-7, check_dtype=True):
    """Run `fn` on maxine tensors and `torch_fn` (default `fn`) on torch tensors made from `arrays`;
    compare outputs (values, shapes and dtypes), then backprop the same random upstream gradient and compare the
    input gradients."""
    torch_fn = torch_fn or fn
    xs = [maxine.tensor(a, requires_grad=grad and a.dtype.kind == 'f') for a in arrays]
    ts = [torch.tensor(a, requires_grad=grad and a.dtype.kind == 'f') for a in arrays]
    out, expected = fn(*xs), torch_fn(*ts)
    outs = out if isinstance(out, (tuple, list)) else (out,)
    expecteds = expected if isinstance(expected, (tuple, list)) else (expected,)
    assert len(outs) == len(expecteds), f"{len(outs)} outputs, torch gives {len(expecteds)}"
    for o, e in zip(outs, expecteds):
        e = to_numpy(e)
        assert o.shape == e.shape, f"shape {o.shape} != torch's {e.shape}"
        if check_dtype: assert o.dtype == e.dtype, f"dtype {o.dtype} != torch's {e.dtype}"
        np.testing.assert_allclose(o.detach().numpy(), e, atol=atol, rtol=rtol)
    if not grad: return
    o, e = outs[0], expecteds[0]
    if not e.requires_grad: return
    upstream = np.random.default_rng(0).standard_normal(o.shape)
    o.backward(upstream.astype(o.dtype))
    e.backward(torch.tensor(upstream, dtype=e.dtype))
    for i, (x, t) in enumerate(zip(xs, ts)):
        if not t.requires_grad: continue
        tg = t.grad.numpy() if t.grad is not None else np.zeros(t.shape)
        mg = x.grad.detach().numpy() if x.grad is not None else np.zeros(x.shape)
        assert mg.shape == tg.shape, f"grad {i}: shape {mg.shape} != torch's {tg.shape}"
        assert x.grad is None or x.grad.dtype == x.dtype, f"grad {i}: dtype {x.grad.dtype} != {x.dtype}"
        np.testing.assert_allclose(mg, tg, atol=atol, rtol=rtol, err_msg=f"gradient of input {i}")
