"""Programs written the way PyTorch users write them, run under PyTorch and under maxine with only their imports
changed (`import torch` -> `import maxine as torch`, `torch.nn` -> `maxine.nn`, ...); their printed results must agree."""
import json, math, re, subprocess, sys
from pathlib import Path

import pytest

PROGRAMS = sorted((Path(__file__).parent / 'programs').glob('*.py'))


def with_maxine_imports(source):
    "The program with its imports of torch changed to maxine, and nothing else"
    def change(line):
        if re.fullmatch(r'\s*import torch\s*', line): return line.replace('import torch', 'import maxine as torch')
        if re.match(r'\s*(import|from) torch\b', line): return re.sub(r'\btorch\b(?=[.\s])', 'maxine', line, count=1)
        return line
    return '\n'.join(change(line) for line in source.split('\n'))


def run(source, tmp_path, name):
    path = tmp_path / name
    path.write_text(source)
    done = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 0, f"{name} failed:\n{done.stderr[-3000:]}"
    return json.loads(done.stdout.strip().splitlines()[-1])


def assert_close(ours, theirs, where=''):
    if isinstance(theirs, dict):
        assert set(ours) == set(theirs), f"{where}: keys {sorted(ours)} != {sorted(theirs)}"
        for k in theirs: assert_close(ours[k], theirs[k], f"{where}.{k}")
    elif isinstance(theirs, list):
        assert len(ours) == len(theirs), f"{where}: {ours} != {theirs}"
        for i, (a, b) in enumerate(zip(ours, theirs)): assert_close(a, b, f"{where}[{i}]")
    elif isinstance(theirs, float) and not isinstance(theirs, bool):
        assert math.isclose(ours, theirs, rel_tol=2e-4, abs_tol=1e-5), f"{where}: maxine {ours}, PyTorch {theirs}"
    else: assert ours == theirs, f"{where}: maxine {ours!r}, PyTorch {theirs!r}"


def test_import_rewriting_touches_only_imports():
    source = "import torch\nimport torch.nn as nn\nfrom torch.utils.data import DataLoader\nx = torch.zeros(2)  # torch"
    assert with_maxine_imports(source) == ("import maxine as torch\nimport maxine.nn as nn\n"
                                           "from maxine.utils.data import DataLoader\nx = torch.zeros(2)  # torch")


@pytest.mark.parametrize('program', PROGRAMS, ids=lambda p: p.stem)
def test_program_runs_the_same_on_maxine(program, tmp_path):
    pytest.importorskip('torch')
    source = program.read_text()
    theirs = run(source, tmp_path, 'with_torch.py')
    ours = run(with_maxine_imports(source), tmp_path, 'with_maxine.py')
    assert_close(ours, theirs, program.stem)
