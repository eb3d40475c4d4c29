"""maxine.language_models: sampling against softmax(logits / T) and top-k, evaluation against a hand-computed
negative log-likelihood, the schedule's values, which positions each model may look at, and a short fit that learns."""
import math
import numpy as np
import pytest

import maxine
from maxine import nn
from maxine.text import CharVocab, name_sequences, load_names
from maxine.language_models import (Bigram, MLP, Recurrent, GPT, sample, sample_names, evaluate, lm_loss,
                                    cosine_with_warmup, fit_language_model, bigram_counts, bigram_nll)

LOGITS = np.array([0.0, 1.0, 2.0, 3.0])


class FixedLogits(nn.Module):
    "The same next-character logits after any context; remembers how much context it was given"
    def __init__(self, logits=LOGITS, block_size=4):
        super().__init__()
        self.block_size, self.logits, self.seen = block_size, maxine.tensor(logits), []
    def forward(self, idx):
        self.seen.append(idx.shape[1])
        return maxine.zeros(*idx.shape, len(self.logits)) + self.logits


def softmax(x): e = np.exp(x - x.max()); return e / e.sum()


def frequencies(model, n=20000, **kwargs):
    drawn = sample(model, maxine.zeros(n, 1, dtype=maxine.int64), 1, generator=maxine.Generator().manual_seed(0), **kwargs)
    return np.bincount(drawn[:, 1].numpy(), minlength=len(LOGITS)) / n


@pytest.mark.parametrize('temperature', [0.5, 1.0, 2.0])
def test_sampling_draws_from_softmax_of_logits_over_temperature(temperature):
    expected = softmax(LOGITS / temperature)       # T=0.5: [.002 .016 .117 .865]; T=2: [.10 .17 .28 .46]
    assert np.abs(frequencies(FixedLogits(), temperature=temperature) - expected).max() < 0.015   # sd at most 0.0035


@pytest.mark.parametrize('top_k', [1, 2, 3])
def test_top_k_draws_only_the_k_likeliest_in_their_proportions(top_k):
    found = frequencies(FixedLogits(), top_k=top_k, temperature=2.0)
    expected = np.zeros(4)
    expected[4 - top_k:] = softmax(LOGITS[4 - top_k:] / 2.0)
    assert (found[:4 - top_k] == 0).all() and np.abs(found - expected).max() < 0.015


def test_sampling_refuses_a_temperature_that_is_not_positive():
    for bad in (0, -1.0, math.nan):
        with pytest.raises(ValueError, match='temperature must be > 0'): sample(FixedLogits(), maxine.zeros(1, 1, dtype=maxine.int64), 1, temperature=bad)
    with pytest.raises(ValueError, match='top_k must be at least 1'): sample(FixedLogits(), maxine.zeros(1, 1, dtype=maxine.int64), 1, top_k=0)


def test_sampling_feeds_at_most_block_size_characters_and_keeps_the_prompt():
    model = FixedLogits(block_size=4)
    prompt = maxine.tensor([[3, 1]])
    out = sample(model, prompt, 6, generator=maxine.Generator().manual_seed(0))
    assert model.seen == [2, 3, 4, 4, 4, 4] and out.shape == (1, 8) and out[0, :2].tolist() == [3, 1]


def test_sampling_stops_when_every_row_has_drawn_the_stop_id():
    model = FixedLogits(logits=[50.0, 0.0, 0.0, 0.0])        # id 0 (the end) almost surely
    out = sample(model, maxine.zeros(5, 1, dtype=maxine.int64), 20, stop_id=0, generator=maxine.Generator().manual_seed(0))
    assert out.shape == (5, 2)


def test_sampling_is_reproducible_by_generator_and_leaves_the_mode_as_it_was():
    model = FixedLogits()
    model.train()
    runs = [sample(model, maxine.zeros(3, 1, dtype=maxine.int64), 10, generator=maxine.Generator().manual_seed(7)).tolist() for _ in range(2)]
    assert runs[0] == runs[1] and model.training


def names_data():
    words = ['emma', 'ava', 'bob', 'eve']
    vocab = CharVocab.from_text(words, boundary='.')
    return words, vocab, name_sequences(words, vocab)


def test_evaluate_is_the_mean_negative_log_likelihood_per_character():
    words, vocab, ds = names_data()
    model = Bigram(len(vocab))
    table = model.logits.weight.detach().numpy().astype(np.float64)
    x, y = ds.tensors[0].numpy(), ds.tensors[1].numpy()
    log_probs = table - np.log(np.exp(table).sum(1, keepdims=True))
    keep = y != -1
    expected = -log_probs[x[keep], y[keep]].mean()
    assert keep.sum() == sum(len(w) + 1 for w in words)                   # each character and each end, no padding
    for batch_size in (1, 3, 500):
        assert evaluate(model, ds, batch_size=batch_size) == pytest.approx(expected, rel=1e-5)
    logits = model(ds.tensors[0])
    assert lm_loss(logits, ds.tensors[1]).item() == pytest.approx(expected, rel=1e-5)
    first = -log_probs[x[:1][keep[:1]], y[:1][keep[:1]]].mean()
    assert evaluate(model, ds, batch_size=1, max_batches=1) == pytest.approx(first, rel=1e-5)


def test_bigram_counts_and_nll_by_hand():
    words, vocab, _ = names_data()
    counts = bigram_counts(['ab'.replace('a', 'e').replace('b', 'm')], vocab)   # 'em': . -> e -> m -> .
    e, m = vocab.stoi['e'], vocab.stoi['m']
    assert counts.sum() == 3 and counts[0, e] == counts[e, m] == counts[m, 0] == 1
    V = len(vocab)
    expected = -(np.log(2 / (1 + V)) * 3) / 3                                # each seen pair: (1 + 1) / (1 + V)
    assert bigram_nll(counts, ['em'], vocab, smoothing=1) == pytest.approx(expected)


def test_cosine_with_warmup_values():
    f = cosine_with_warmup(steps=110, warmup=10, floor=0.1)
    assert f(0) == pytest.approx(0.1) and f(9) == pytest.approx(1.0) and f(10) == pytest.approx(1.0)
    assert f(60) == pytest.approx(0.1 + 0.9 * 0.5) and f(110) == pytest.approx(0.1) and f(500) == pytest.approx(0.1)


@pytest.mark.parametrize('make', [lambda V: GPT(V, 8, n_layer=2, n_head=2, n_embd=16), lambda V: Recurrent(V, 8, 16),
                                  lambda V: MLP(V, block_size=3, n_embd=4, n_hidden=16), lambda V: Bigram(V)])
def test_each_position_sees_only_itself_and_what_came_before(make):
    maxine.manual_seed(0)
    model = make(6)
    model.eval()
    idx = maxine.tensor([[1, 2, 3, 4, 5, 1, 2, 3]])
    changed = maxine.tensor([[1, 2, 3, 4, 0, 1, 2, 3]])                     # position 4 differs
    a, b = model(idx).detach().numpy(), model(changed).detach().numpy()
    np.testing.assert_array_equal(a[:, :4], b[:, :4])                        # nothing before it moved
    assert not np.allclose(a[:, 4], b[:, 4])                                 # position 4 itself did


def test_the_mlp_looks_back_exactly_block_size_characters():
    maxine.manual_seed(0)
    model = MLP(6, block_size=3, n_embd=4, n_hidden=16)
    idx = maxine.tensor([[1, 2, 3, 4, 5, 1, 2, 3]])
    changed = maxine.tensor([[1, 2, 3, 4, 0, 1, 2, 3]])
    a, b = model(idx).detach().numpy(), model(changed).detach().numpy()
    assert not np.allclose(a[:, 6], b[:, 6])                                 # 2 back: inside the window of 3
    np.testing.assert_array_equal(a[:, 7], b[:, 7])                          # 3 back: outside it


def test_a_short_fit_learns_the_names_bigram_statistics():
    words = load_names()[:2000]
    vocab = CharVocab.from_text(words, boundary='.')
    train, valid = name_sequences(words[:1800], vocab, 15), name_sequences(words[1800:], vocab, 15)
    maxine.manual_seed(0)
    model = Bigram(len(vocab))
    before = evaluate(model, valid)
    history = fit_language_model(model, train, valid, steps=300, batch_size=64, lr=0.3, weight_decay=0.0, warmup=10,
                                 eval_every=100, progress=False)
    counted = bigram_nll(bigram_counts(words[:1800], vocab), words[1800:], vocab)   # the best a bigram can do, about
    assert len(history['train']) == 300 and history['valid_step'] == [100, 200, 300]
    assert before > 3.2 and history["valid"][-1] < counted + 0.05
    names = sample_names(model, vocab, n=5, seed=3)
    assert len(names) == 5 and all(set(n) <= set(vocab.itos[1:]) for n in names) and names == sample_names(model, vocab, n=5, seed=3)
