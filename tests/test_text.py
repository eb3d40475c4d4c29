"""maxine.text: the vocabulary, the names and Shakespeare files, the splits, and the datasets a language model trains on,
each checked against what it must hold, item by item."""
import numpy as np
import pytest

import maxine
from maxine.text import (CharVocab, load_names, split, split_text, name_contexts, name_sequences, TextBlocks,
                         load_shakespeare)


def test_vocab_round_trips_and_puts_the_boundary_first():
    vocab = CharVocab.from_text(['emma', 'bob'], boundary='.')
    assert vocab.itos == ['.', 'a', 'b', 'e', 'm', 'o'] and len(vocab) == 6
    assert vocab.encode('emma') == [3, 4, 4, 1] and vocab.decode([3, 4, 4, 1]) == 'emma'
    assert vocab.decode(maxine.tensor([2, 5, 2])) == 'bob' and vocab.decode(np.array([0])) == '.'
    assert CharVocab.from_text('hello').itos == ['e', 'h', 'l', 'o']        # no boundary: sorted characters only
    with pytest.raises(ValueError, match="the character 'z' is not in the vocabulary"): vocab.encode('bez')


def test_the_names_are_makemores():
    names = load_names()
    assert len(names) == 32033 and names[:3] == ['emma', 'olivia', 'ava'] and max(map(len, names)) == 15
    assert all(n.isalpha() and n.islower() for n in names)


def test_split_is_a_seeded_partition():
    items = [f'n{i}' for i in range(50)]
    train, valid, test = split(items, n_valid=10, n_test=5, seed=1)
    assert (len(train), len(valid), len(test)) == (35, 10, 5)
    assert sorted(train + valid + test) == sorted(items)                  # every item once
    assert split(items, 10, 5, seed=1) == (train, valid, test) and split(items, 10, 5, seed=2) != (train, valid, test)
    with pytest.raises(ValueError, match='leaves nothing'): split(items, 25, 25)


def test_split_text_cuts_at_the_fraction():
    assert split_text('abcdefghij', 0.3) == ('abcdefg', 'hij')


def test_name_contexts_are_the_last_characters_before_each_target():
    vocab = CharVocab.from_text(['ab'], boundary='.')                       # . a b -> 0 1 2
    ds = name_contexts(['ab'], vocab, block_size=3)
    assert ds.tensors[0].tolist() == [[0, 0, 0], [0, 0, 1], [0, 1, 2]]       # '...' -> a, '..a' -> b, '.ab' -> end
    assert ds.tensors[1].tolist() == [1, 2, 0]


def test_name_sequences_shift_by_one_and_pad_targets_with_minus_one():
    vocab = CharVocab.from_text(['ab', 'b'], boundary='.')
    ds = name_sequences(['ab', 'b'], vocab, max_len=3)
    assert ds.tensors[0].tolist() == [[0, 1, 2, 0], [0, 2, 0, 0]]            # start symbol, then the name
    assert ds.tensors[1].tolist() == [[1, 2, 0, -1], [2, 0, -1, -1]]         # the name, its end, then ignored
    with pytest.raises(ValueError, match='more than max_len=1'): name_sequences(['ab'], vocab, max_len=1)


@pytest.mark.parametrize('block_size', [1, 4, 7])
def test_text_blocks_are_windows_and_their_next_characters(block_size):
    ids = np.arange(100, 120)
    blocks = TextBlocks(ids, block_size)
    assert len(blocks) == 20 - block_size
    for i in (0, 5, len(blocks) - 1):
        x, y = blocks[i]
        assert x.tolist() == list(range(100 + i, 100 + i + block_size))
        assert y.tolist() == list(range(101 + i, 101 + i + block_size))       # shifted by exactly one
    xb, yb = blocks.get_batch([3, 0, len(blocks) - 1])
    assert xb.tolist() == [blocks[i][0].tolist() for i in (3, 0, len(blocks) - 1)]
    assert yb.tolist() == [blocks[i][1].tolist() for i in (3, 0, len(blocks) - 1)]
    with pytest.raises(ValueError, match='no block of'): TextBlocks(ids[:block_size], block_size)


def test_a_loader_over_text_blocks_gives_the_same_batches_as_indexing():
    blocks = TextBlocks(np.arange(40), 5)
    loader = maxine.utils.data.DataLoader(blocks, batch_size=4)
    xb, yb = next(iter(loader))
    assert xb.tolist() == [list(range(i, i + 5)) for i in range(4)] and yb.tolist() == [list(range(i + 1, i + 6)) for i in range(4)]


def test_shakespeare_is_read_from_a_folder_and_checked(tmp_path, monkeypatch):
    monkeypatch.delenv('MAXINE_DATA', raising=False)                  # CI points it at the real corpus
    monkeypatch.setenv('XDG_CACHE_HOME', str(tmp_path / 'cache'))
    (tmp_path / 'input.txt').write_text('not shakespeare')
    with pytest.raises(ValueError, match='this is not Tiny Shakespeare'): load_shakespeare(tmp_path, download=False)
    empty = tmp_path / 'empty'
    empty.mkdir()
    with pytest.raises(FileNotFoundError, match='download=False'): load_shakespeare(empty, download=False)
