"""Make maxine/data_files/mnist_3v7_sample.npz, the 3-vs-7 sample shipped with maxine, from the full MNIST files.

    MAXINE_DATA=../shared/data/mnist python tools/make_3v7_sample.py

The sample is the first 2,000 threes and 2,000 sevens of the training set and the first 500 of each in the test set,
labelled 0 for a 3 and 1 for a 7, stored as a compressed .npz. The same input files always give the same arrays."""
from pathlib import Path
import numpy as np
from maxine.data import mnist_3v7

TRAIN_PER_DIGIT, VALID_PER_DIGIT = 2000, 500
OUT = Path(__file__).resolve().parent.parent / 'maxine' / 'data_files' / 'mnist_3v7_sample.npz'

def first_of_each(images, labels, n):
    keep = np.concatenate([np.flatnonzero(labels == 0)[:n], np.flatnonzero(labels == 1)[:n]])
    return images[keep], labels[keep]

if __name__ == '__main__':
    x_train, y_train, x_valid, y_valid = mnist_3v7()
    x_train, y_train = first_of_each(x_train, y_train, TRAIN_PER_DIGIT)
    x_valid, y_valid = first_of_each(x_valid, y_valid, VALID_PER_DIGIT)
    np.savez_compressed(OUT, x_train=x_train, y_train=y_train, x_valid=x_valid, y_valid=y_valid)
    print(f"wrote {OUT} ({OUT.stat().st_size / 1e6:.2f} MB): {len(x_train)} training and {len(x_valid)} validation images")
