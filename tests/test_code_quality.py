"""Checks on the package's code as a whole: no import left unused (pyflakes), except in the modules whose job is to
put names at PyTorch's addresses."""
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parent.parent
RE_EXPORTS = {'__init__.py', 'nn/__init__.py', 'nn/functional.py', 'nn/modules/sparse.py', 'nn/modules/batchnorm.py',
              'nn/parameter.py', 'nn/utils/__init__.py', 'nn/utils/rnn.py', 'utils/__init__.py', 'utils/data/dataset.py',
              'utils/data/sampler.py', 'utils/data/dataloader.py', 'cuda/amp.py', 'vision/__init__.py', 'vision/datasets.py',
              'vision/transforms.py', 'backends/__init__.py', 'autograd/__init__.py', 'autograd/function.py', 'models.py'}


def test_no_unused_imports():
    api = pytest.importorskip('pyflakes.api')
    from pyflakes import reporter, messages
    found = []
    class Collect(reporter.Reporter):
        def __init__(self): pass
        def flake(self, message):
            if isinstance(message, messages.UnusedImport): found.append(message)
        def unexpectedError(self, filename, msg): found.append(f"{filename}: {msg}")
        def syntaxError(self, filename, msg, lineno, offset, text): found.append(f"{filename}:{lineno}: {msg}")
    for path in sorted((ROOT / 'maxine').rglob('*.py')):
        relative = str(path.relative_to(ROOT / 'maxine'))
        if relative == '_modidx.py' or relative in RE_EXPORTS: continue
        api.check(path.read_text(), str(path.relative_to(ROOT)), Collect())
    assert not found, 'unused imports (remove them from the notebook that exports the module):\n' + '\n'.join(map(str, found))
