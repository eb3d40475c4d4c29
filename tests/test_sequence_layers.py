"Attention and recurrent layers beside PyTorch, in float64: values and gradients, with masks, states and options."
import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from hypothesis import given, settings, strategies as st

import maxine
from maxine import nn, tensor
import maxine.nn.functional as F
from helpers import check_against_torch

def randn(seed, shape): return np.random.default_rng(seed).standard_normal(shape)


@given(seed=st.integers(0, 2**32 - 1), L=st.integers(1, 5), S=st.integers(1, 5), d=st.integers(1, 6), causal=st.booleans())
@settings(max_examples=25, deadline=None)
def test_scaled_dot_product_attention(seed, L, S, d, causal):
    if causal: S = L
    q, k, v = randn(seed, (2, 3, L, d)), randn(seed + 1, (2, 3, S, d)), randn(seed + 2, (2, 3, S, 4))
    check_against_torch(lambda q, k, v: F.scaled_dot_product_attention(q, k, v, is_causal=causal), q, k, v,
                        torch_fn=lambda q, k, v: TF.scaled_dot_product_attention(q, k, v, is_causal=causal), atol=1e-9)


def test_attention_masks_and_scale():
    q, k, v = randn(0, (2, 4, 3)), randn(1, (2, 5, 3)), randn(2, (2, 5, 2))
    bool_mask = randn(3, (4, 5)) > -0.5
    bool_mask[:, 0] = True                                  # every query sees at least one key
    float_mask = randn(4, (4, 5))
    for mask in (bool_mask, float_mask):
        check_against_torch(lambda q, k, v: F.scaled_dot_product_attention(q, k, v, attn_mask=tensor(mask), scale=0.3), q, k, v,
                            torch_fn=lambda q, k, v: TF.scaled_dot_product_attention(q, k, v, attn_mask=torch.tensor(mask), scale=0.3), atol=1e-9)


def copy_weights(ours, theirs):
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})


@pytest.mark.parametrize('batch_first', [False, True])
@pytest.mark.parametrize('masks', ['none', 'causal', 'padding', 'float'])
@pytest.mark.parametrize('average', [True, False])
def test_multihead_attention(batch_first, masks, average):
    maxine.manual_seed(0)
    ours = nn.MultiheadAttention(8, 2, batch_first=batch_first).double()
    theirs = torch.nn.MultiheadAttention(8, 2, batch_first=batch_first).double()
    copy_weights(ours, theirs)
    shape = (3, 5, 8) if batch_first else (5, 3, 8)
    x, mem = randn(1, shape), randn(2, shape)
    kwargs_m, kwargs_t = {}, {}
    if masks == 'causal':
        mask = np.triu(np.ones((5, 5), bool), 1)
        kwargs_m, kwargs_t = {'attn_mask': tensor(mask)}, {'attn_mask': torch.tensor(mask)}
    if masks == 'padding':
        pad = np.zeros((3, 5), bool); pad[0, 3:] = True; pad[2, 4] = True
        kwargs_m, kwargs_t = {'key_padding_mask': tensor(pad)}, {'key_padding_mask': torch.tensor(pad)}
    if masks == 'float':
        add = randn(3, (5, 5))
        kwargs_m, kwargs_t = {'attn_mask': tensor(add)}, {'attn_mask': torch.tensor(add)}
    check_against_torch(lambda q, m: ours(q, m, m, average_attn_weights=average, **kwargs_m), x, mem,
                        torch_fn=lambda q, m: theirs(q, m, m, average_attn_weights=average, **kwargs_t), atol=1e-9)
    for name, p in ours.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), dict(theirs.named_parameters())[name].grad.numpy(), atol=1e-9, err_msg=name)


def test_multihead_attention_is_causal_and_unbatched():
    maxine.manual_seed(1)
    ours = nn.MultiheadAttention(6, 3).double()
    theirs = torch.nn.MultiheadAttention(6, 3).double()
    copy_weights(ours, theirs)
    x = randn(0, (4, 6))
    mask = np.triu(np.ones((4, 4), bool), 1)
    ours_out, ours_w = ours(tensor(x), tensor(x), tensor(x), attn_mask=tensor(mask))
    theirs_out, theirs_w = theirs(torch.tensor(x), torch.tensor(x), torch.tensor(x), attn_mask=torch.tensor(mask))
    np.testing.assert_allclose(ours_out.detach().numpy(), theirs_out.detach().numpy(), atol=1e-10)
    np.testing.assert_allclose(ours_w.detach().numpy(), theirs_w.detach().numpy(), atol=1e-10)
    out_causal, _ = ours(tensor(x), tensor(x), tensor(x), is_causal=True, need_weights=False)
    np.testing.assert_allclose(out_causal.detach().numpy(), ours_out.detach().numpy(), atol=1e-12)


@pytest.mark.parametrize('kind', ['RNN', 'GRU', 'LSTM'])
@pytest.mark.parametrize('num_layers', [1, 2])
@pytest.mark.parametrize('batch_first', [False, True])
@pytest.mark.parametrize('with_state', [False, True])
def test_recurrent_layers(kind, num_layers, batch_first, with_state):
    maxine.manual_seed(0)
    kwargs = dict(num_layers=num_layers, batch_first=batch_first)
    ours, theirs = getattr(nn, kind)(3, 5, **kwargs).double(), getattr(torch.nn, kind)(3, 5, **kwargs).double()
    copy_weights(ours, theirs)
    x = randn(1, (2, 4, 3) if batch_first else (4, 2, 3))
    states = [randn(2, (num_layers, 2, 5)), randn(3, (num_layers, 2, 5))]
    def run(layer, lib):
        make = tensor if lib == 'maxine' else torch.tensor
        def fn(x, *state):
            hx = None if not with_state else (tuple(state) if kind == 'LSTM' else state[0])
            out, h = layer(x, hx)
            return (out,) + (tuple(h) if kind == 'LSTM' else (h,))
        return fn
    arrays = [x] + (states[:2] if kind == 'LSTM' else states[:1]) if with_state else [x]
    check_against_torch(run(ours, 'maxine'), *arrays, torch_fn=run(theirs, 'torch'), atol=1e-9)
    for name, p in ours.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), dict(theirs.named_parameters())[name].grad.numpy(), atol=1e-9, err_msg=name)


@pytest.mark.parametrize('kind', ['RNNCell', 'GRUCell', 'LSTMCell'])
def test_cells(kind):
    maxine.manual_seed(0)
    ours, theirs = getattr(nn, kind)(3, 4).double(), getattr(torch.nn, kind)(3, 4).double()
    copy_weights(ours, theirs)
    x, h, c = randn(0, (2, 3)), randn(1, (2, 4)), randn(2, (2, 4))
    if kind == 'LSTMCell':
        check_against_torch(lambda x, h, c: ours(x, (h, c)), x, h, c, torch_fn=lambda x, h, c: theirs(x, (h, c)), atol=1e-10)
    else:
        check_against_torch(lambda x, h: ours(x, h), x, h, torch_fn=lambda x, h: theirs(x, h), atol=1e-10)


def test_weight_tying_shares_one_parameter():
    emb, head = nn.Embedding(10, 4), nn.Linear(4, 10, bias=False)
    head.weight = emb.weight
    assert head.weight is emb.weight and len(list(nn.ModuleList([emb, head]).parameters())) == 1
    idx = tensor([[1, 2, 3]])
    head(emb(idx)).sum().backward()
    t_emb, t_head = torch.nn.Embedding(10, 4).double(), torch.nn.Linear(4, 10, bias=False).double()
    t_emb.weight.data = torch.tensor(emb.weight.detach().numpy().astype(np.float64)); t_head.weight = t_emb.weight
    t_head(t_emb(torch.tensor([[1, 2, 3]]))).sum().backward()
    np.testing.assert_allclose(emb.weight.grad.numpy(), t_emb.weight.grad.numpy(), rtol=1e-5)


def run_both(kind, kwargs, run):
    "The same layer (same weights) in both libraries, in float64, and `run(lib, layer)` on each: outputs and gradients"
    maxine.manual_seed(0)
    ours = getattr(nn, kind)(**kwargs, dtype=maxine.float64)
    theirs = getattr(torch.nn, kind)(**kwargs).double()
    copy_weights(ours, theirs)
    results = []
    for lib, layer in ((maxine, ours), (torch, theirs)):
        outputs, inputs = run(lib, layer)
        loss = sum((o * lib.tensor(randn(7, tuple(o.shape)))).sum() for o in outputs)
        loss.backward()
        results.append([o.detach().numpy() for o in outputs] + [p.grad.numpy() for p in layer.parameters()]
                       + [i.grad.numpy() for i in inputs])
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    for a, b in zip(*results): np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize('kind', ['RNN', 'GRU', 'LSTM'])
@pytest.mark.parametrize('num_layers', [1, 2])
@pytest.mark.parametrize('batch_first', [False, True])
def test_bidirectional_layers_match_torch(kind, num_layers, batch_first):
    def run(lib, layer):
        x = lib.tensor(randn(1, (3, 4, 5)), requires_grad=True)
        out, state = layer(x)
        return [out] + (list(state) if kind == 'LSTM' else [state]), [x]
    run_both(kind, dict(input_size=5, hidden_size=6, num_layers=num_layers, batch_first=batch_first, bidirectional=True), run)


@pytest.mark.parametrize('kind', ['RNN', 'GRU', 'LSTM'])
@pytest.mark.parametrize('bidirectional', [False, True])
@pytest.mark.parametrize('enforce_sorted', [False, True])
def test_packed_sequences_match_torch(kind, bidirectional, enforce_sorted):
    lengths = [5, 3, 3, 1] if enforce_sorted else [3, 5, 1, 3]
    def run(lib, layer):
        x = lib.tensor(randn(2, (5, 4, 3)), requires_grad=True)
        h0 = lib.tensor(randn(3, (2 * (2 if bidirectional else 1), 4, 4)), requires_grad=True)
        hx = (h0, h0 * 2) if kind == 'LSTM' else h0
        packed = lib.nn.utils.rnn.pack_padded_sequence(x, lib.tensor(lengths), enforce_sorted=enforce_sorted)
        out, state = layer(packed, hx)
        padded, out_lengths = lib.nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=6)
        assert out_lengths.tolist() == lengths
        return [padded, out.data] + (list(state) if kind == 'LSTM' else [state]), [x, h0]
    run_both(kind, dict(input_size=3, hidden_size=4, num_layers=2, bidirectional=bidirectional), run)


def test_lstm_with_projection_matches_torch():
    def run(lib, layer):
        x = lib.tensor(randn(4, (2, 6, 3)), requires_grad=True)
        out, (h, c) = layer(x)
        return [out, h, c], [x]
    run_both('LSTM', dict(input_size=3, hidden_size=5, proj_size=2, num_layers=2, batch_first=True, bidirectional=True), run)


def test_pack_and_pad_sequence_match_torch():
    seqs = [randn(i, (n, 2)) for i, n in enumerate([2, 4, 1])]
    for batch_first in (False, True):
        ours = nn.utils.rnn.pad_sequence([tensor(s) for s in seqs], batch_first=batch_first, padding_value=-1.)
        theirs = torch.nn.utils.rnn.pad_sequence([torch.tensor(s) for s in seqs], batch_first=batch_first, padding_value=-1.)
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    ours = nn.utils.rnn.pack_sequence([tensor(s) for s in seqs], enforce_sorted=False)
    theirs = torch.nn.utils.rnn.pack_sequence([torch.tensor(s) for s in seqs], enforce_sorted=False)
    for a, b in zip(ours, theirs): np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_recurrent_errors_name_what_was_expected():
    lstm = nn.LSTM(3, 4, num_layers=2)
    with pytest.raises(ValueError, match=r'h_0 must have shape \(2, 5, 4\)'): lstm(maxine.randn(7, 5, 3), (maxine.zeros(1, 5, 4), maxine.zeros(2, 5, 4)))
    with pytest.raises(ValueError, match=r'c_0 must have shape \(2, 5, 4\)'): lstm(maxine.randn(7, 5, 3), (maxine.zeros(2, 5, 4), maxine.zeros(2, 5, 3)))
    with pytest.raises(RuntimeError, match='sequence length to be larger than 0'): lstm(maxine.randn(0, 5, 3))
    with pytest.raises(ValueError, match='proj_size'): nn.GRU(3, 4, proj_size=2)
    lstm.flatten_parameters()


def transformer_pair(kind, **kwargs):
    "A Transformer-family module in both libraries, with the same weights, in float64 and without dropout"
    maxine.manual_seed(0)
    ours = getattr(nn, kind)(**kwargs, dropout=0.0, dtype=maxine.float64)
    theirs = getattr(torch.nn, kind)(**kwargs, dropout=0.0).double()
    copy_weights(ours, theirs)
    return ours, theirs


def compare(ours, theirs, inputs, call):
    "Outputs, input gradients and weight gradients of `call(module, *tensors)` in both libraries"
    results = []
    for lib, module in ((maxine, ours), (torch, theirs)):
        xs = [lib.tensor(a, requires_grad=a.dtype.kind == 'f') if isinstance(a, np.ndarray) else a for a in inputs]
        out = call(lib, module, *xs)
        (out * lib.tensor(randn(9, tuple(out.shape)))).sum().backward()
        results.append([out.detach().numpy()] + [x.grad.numpy() for x in xs if isinstance(x, lib.Tensor) and x.requires_grad]
                       + [p.grad.numpy() for p in module.parameters()])
    for a, b in zip(*results): np.testing.assert_allclose(a, b, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize('norm_first', [False, True])
@pytest.mark.parametrize('batch_first', [False, True])
@pytest.mark.parametrize('activation', ['relu', 'gelu'])
def test_transformer_encoder_layer_matches_torch(norm_first, batch_first, activation):
    ours, theirs = transformer_pair('TransformerEncoderLayer', d_model=8, nhead=2, dim_feedforward=16, batch_first=batch_first,
                                    norm_first=norm_first, activation=activation)
    x = randn(1, (3, 5, 8))
    padding = np.array([[False] * 5, [False] * 3 + [True] * 2, [False] * 4 + [True]])
    padding = padding if batch_first else padding                  # key padding is (N, S) either way
    if not batch_first: x = x.transpose(1, 0, 2).copy()
    causal = np.triu(np.ones((5, 5), bool), 1)
    compare(ours, theirs, [x], lambda lib, m, x: m(x, src_mask=lib.tensor(causal), src_key_padding_mask=lib.tensor(padding)))


@pytest.mark.parametrize('norm_first', [False, True])
def test_transformer_matches_torch(norm_first):
    ours, theirs = transformer_pair('Transformer', d_model=8, nhead=2, num_encoder_layers=2, num_decoder_layers=2,
                                    dim_feedforward=16, batch_first=True, norm_first=norm_first)
    src, tgt = randn(2, (2, 6, 8)), randn(3, (2, 4, 8))
    def call(lib, m, src, tgt):
        mask = lib.nn.Transformer.generate_square_subsequent_mask(4, dtype=lib.float64)
        return m(src, tgt, tgt_mask=mask, memory_key_padding_mask=lib.tensor([[False] * 6, [False] * 5 + [True]]))
    compare(ours, theirs, [src, tgt], call)


def test_transformer_stacks_and_state_dicts_move_between_libraries():
    layer = torch.nn.TransformerDecoderLayer(8, 2, 16, dropout=0.0).double()
    theirs = torch.nn.TransformerDecoder(layer, 3, norm=torch.nn.LayerNorm(8).double())
    ours = nn.TransformerDecoder(nn.TransformerDecoderLayer(8, 2, 16, dropout=0.0, dtype=maxine.float64), 3,
                                 norm=nn.LayerNorm(8, dtype=maxine.float64))
    ours.load_state_dict({k: tensor(v.detach().numpy()) for k, v in theirs.state_dict().items()})
    tgt, memory = randn(4, (5, 2, 8)), randn(5, (7, 2, 8))
    compare(ours, theirs, [tgt, memory], lambda lib, m, t, mem: m(t, mem, tgt_is_causal=True,
            tgt_mask=lib.nn.Transformer.generate_square_subsequent_mask(5, dtype=lib.float64)))
