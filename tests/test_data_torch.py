"maxine.utils.data beside torch.utils.data: samplers, datasets and collation give what PyTorch's give."
import numpy as np
import pytest
import torch
import torch.utils.data as tud

import maxine
import maxine.utils.data as mud


def as_list(batch):
    if isinstance(batch, (tuple, list)): return [as_list(b) for b in batch]
    if isinstance(batch, dict): return {k: as_list(v) for k, v in batch.items()}
    if isinstance(batch, (int, float, str)): return batch
    return np.asarray(batch.detach() if isinstance(batch, torch.Tensor) else batch.numpy()).tolist()


def test_deterministic_samplers_match_torch():
    assert list(mud.SequentialSampler(range(7))) == list(tud.SequentialSampler(range(7)))
    assert issubclass(mud.SequentialSampler, mud.Sampler) and issubclass(mud.RandomSampler, mud.Sampler)
    for drop_last in (False, True):
        ours = list(mud.BatchSampler(mud.SequentialSampler(range(10)), 3, drop_last))
        assert ours == list(tud.BatchSampler(tud.SequentialSampler(range(10)), 3, drop_last))
        assert len(mud.BatchSampler(range(10), 3, drop_last)) == len(tud.BatchSampler(range(10), 3, drop_last))


def test_random_samplers_are_permutations_and_draws_of_the_right_size():
    g = maxine.Generator().manual_seed(0)
    perm = list(mud.RandomSampler(range(20), generator=g))
    assert sorted(perm) == list(range(20))
    draws = list(mud.RandomSampler(range(5), replacement=True, num_samples=5000, generator=g))
    counts = np.bincount(draws, minlength=5)
    assert len(draws) == 5000 and set(draws) <= set(range(5)) and len(counts) == 5
    assert np.abs(counts / 5000 - 0.2).max() < 0.03      # uniform: each index about 1000 times (sd 28)
    assert len(mud.RandomSampler(range(5), num_samples=12)) == len(tud.RandomSampler(range(5), num_samples=12)) == 12
    for n_samples in (3, 5, 12, 15):                 # without replacement: whole permutations, then part of one more
        drawn = list(mud.RandomSampler(range(5), num_samples=n_samples, generator=g))
        assert len(drawn) == n_samples
        for start in range(0, n_samples - n_samples % 5, 5): assert sorted(drawn[start:start + 5]) == list(range(5))
        assert len(set(drawn[n_samples - n_samples % 5:])) == n_samples % 5          # the last part repeats nothing
        counts = np.bincount(drawn, minlength=5)
        assert counts.sum() == n_samples and counts.max() - counts.min() <= 1
    subset = list(mud.SubsetRandomSampler([3, 5, 9], generator=g))
    assert sorted(subset) == [3, 5, 9]
    weighted = list(mud.WeightedRandomSampler([0., 1., 0., 3.], 400, replacement=True, generator=g))
    assert set(weighted) == {1, 3} and 0.65 < weighted.count(3) / 400 < 0.85
    with pytest.raises(ValueError): mud.RandomSampler(range(5), num_samples=0)


def test_datasets_index_like_torch():
    x, y = np.arange(12.).reshape(6, 2), np.arange(6)
    ours, theirs = mud.TensorDataset(maxine.tensor(x), maxine.tensor(y)), tud.TensorDataset(torch.tensor(x), torch.tensor(y))
    assert as_list(ours[4]) == as_list(theirs[4]) and len(ours) == len(theirs)
    for o, t in [(mud.Subset(ours, [5, 0, 2]), tud.Subset(theirs, [5, 0, 2])),
                 (mud.ConcatDataset([ours, ours]), tud.ConcatDataset([theirs, theirs]))]:
        assert len(o) == len(t)
        for i in range(len(t)): assert as_list(o[i]) == as_list(t[i])
        assert as_list(o[-1]) == as_list(t[-1])
    a, b = mud.random_split(range(10), [0.7, 0.3], generator=maxine.Generator().manual_seed(1))
    assert (len(a), len(b)) == (7, 3) and sorted(list(a) + list(b)) == list(range(10))


def test_default_collate_matches_torch():
    samples = [(np.array([1., 2.], np.float32), 3, 0.5, {'k': np.array(1)}, 'name'),
               (np.array([3., 4.], np.float32), 4, 1.5, {'k': np.array(2)}, 'other')]
    ours, theirs = mud.default_collate(samples), tud.default_collate(samples)
    assert type(ours) is type(theirs) is list and as_list(ours[:4]) == as_list(theirs[:4]) and ours[4] == theirs[4]
    for o, t in zip(ours[:3], theirs[:3]): assert str(o.dtype) == str(t.dtype).removeprefix('torch.')


class Count(tud.IterableDataset):
    def __init__(self, n): self.n = n
    def __iter__(self): return iter(range(self.n))

class MaxineCount(mud.IterableDataset):
    def __init__(self, n): self.n = n
    def __iter__(self): return iter(range(self.n))


def test_iterable_dataset_batches_like_torch():
    for batch_size, drop_last in [(3, False), (3, True), (None, False)]:
        ours = [as_list(b) for b in mud.DataLoader(MaxineCount(8), batch_size=batch_size, drop_last=drop_last)]
        theirs = [as_list(b) for b in tud.DataLoader(Count(8), batch_size=batch_size, drop_last=drop_last)]
        assert ours == theirs


def test_loader_arguments_torch_programs_pass():
    ds = mud.TensorDataset(maxine.arange(10.), maxine.arange(10))
    dl = mud.DataLoader(ds, batch_size=4, shuffle=False, num_workers=2, pin_memory=True, persistent_workers=False,
                        collate_fn=None, drop_last=False, timeout=0, worker_init_fn=None, prefetch_factor=None)
    assert [as_list(y) for _, y in dl] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    batches = list(mud.DataLoader(ds, batch_sampler=mud.BatchSampler(mud.SequentialSampler(ds), 5, False)))
    assert [len(b[0]) for b in batches] == [5, 5]
    assert mud.get_worker_info() is None
    with pytest.raises(ValueError): mud.DataLoader(ds, batch_size=2, shuffle=True, sampler=mud.SequentialSampler(ds))
