"The batch-level augmentations of maxine.transforms: each output is exactly one of the changes it may make, at the rate it says."
import numpy as np
import pytest

import maxine
from maxine.transforms import RandomErasing, RandomShift, RandomHorizontalFlip


def images(n=200, channels=1, seed=0):
    return np.random.default_rng(seed).integers(1, 256, (n, channels, 28, 28)).astype(np.uint8)


def shifted(image, dy, dx):
    "`image` (c, h, w) moved down by dy and right by dx, zeros coming in"
    out = np.zeros_like(image)
    h, w = image.shape[-2:]
    out[:, max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = image[:, max(-dy, 0):h - max(dy, 0), max(-dx, 0):w - max(dx, 0)]
    return out


def test_random_shift_moves_each_image_by_at_most_max_shift_with_zeros_coming_in():
    maxine.manual_seed(0)
    x = images(100, channels=2)
    y = RandomShift(2).batch(x)
    seen = set()
    for before, after in zip(x, y):
        moves = [(dy, dx) for dy in range(-2, 3) for dx in range(-2, 3) if np.array_equal(shifted(before, dy, dx), after)]
        assert len(moves) == 1, "each image is one shift of the original, all its channels together"
        seen.add(moves[0])
    assert len(seen) >= 20                                       # of the 25 possible moves
    assert not np.shares_memory(x, y)


def test_random_horizontal_flip_mirrors_about_half_and_leaves_the_rest():
    maxine.manual_seed(0)
    x = images(400)
    y = RandomHorizontalFlip().batch(x)
    mirrored = [np.array_equal(a, b[..., ::-1]) for a, b in zip(x, y)]
    kept = [np.array_equal(a, b) for a, b in zip(x, y)]
    assert all(m != k for m, k in zip(mirrored, kept))
    assert 160 < sum(mirrored) < 240
    assert sum(np.array_equal(a, b) for a, b in zip(x, RandomHorizontalFlip(0.).batch(x))) == 400


@pytest.mark.parametrize('channels', [1, 3])
def test_random_erasing_blanks_one_rectangle_of_the_allowed_size_and_shape(channels):
    maxine.manual_seed(0)
    x = images(300, channels)
    y = RandomErasing(p=1., scale=(0.02, 0.33), ratio=(0.3, 3.3), value=0).batch(x)
    assert x.min() > 0                                           # the input is untouched
    for after in y:
        blank = after == 0
        assert (blank == blank[0]).all(), "every channel loses the same rectangle"
        rows, cols = np.flatnonzero(blank[0].any(1)), np.flatnonzero(blank[0].any(0))
        height, width = rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1
        assert blank[0].sum() == height * width, "the blank pixels form one full rectangle"
        assert 0.02 * 784 - 2 * 28 <= height * width <= 0.33 * 784 + 2 * 28       # rounding moves each side by < 1 pixel
        assert height * width == 784 or 0.3 / 1.5 <= height / width <= 3.3 * 1.5


def test_random_erasing_rate_and_value():
    maxine.manual_seed(0)
    x = images(400)
    y = RandomErasing(p=0.5, value=7).batch(x)
    changed = [not np.array_equal(a, b) for a, b in zip(x, y)]
    assert 160 < sum(changed) < 240
    assert set(np.unique(y[x != y])) == {7}
    assert np.array_equal(RandomErasing(p=0.).batch(x), x)
    with pytest.raises(ValueError, match=r'p must be in \[0, 1\]'): RandomErasing(p=1.5)
