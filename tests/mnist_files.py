"Where the tests find the four MNIST files, and the one line they skip with when the files are not there."
import os
from pathlib import Path
import pytest
from maxine.data import MNIST_MD5, cache_dir

MNIST_FOLDER = Path(os.environ['MAXINE_DATA']) if os.environ.get('MAXINE_DATA') else cache_dir()
HAVE_MNIST = all((MNIST_FOLDER / name).exists() for name in MNIST_MD5)
HOW = ("set MAXINE_DATA to a folder holding the four MNIST files (train-images-idx3-ubyte.gz, ...), "
       "or run `maxine-train --data mnist` once with internet to download them")
needs_mnist = pytest.mark.skipif(not HAVE_MNIST, reason=f"needs the full MNIST files, not found in {MNIST_FOLDER}: {HOW}")
