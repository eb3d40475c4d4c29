"README.md is generated from nbs/index.ipynb by tools/make_readme.py; they must not drift apart."
import importlib.util, json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location('make_readme', ROOT / 'tools' / 'make_readme.py')
make_readme = importlib.util.module_from_spec(spec); spec.loader.exec_module(make_readme)


def test_readme_matches_index_notebook():
    expected = make_readme.render(json.loads((ROOT / 'nbs' / 'index.ipynb').read_text()))
    assert (ROOT / 'README.md').read_text() == expected, "run: python tools/make_readme.py"


def test_render_drops_hidden_cells_and_directives():
    nb = {'cells': [
        {'cell_type': 'markdown', 'source': ['# Title']},
        {'cell_type': 'code', 'source': ['#| hide\n', 'secret = 1'], 'outputs': []},
        {'cell_type': 'code', 'source': ['#| eval: false\n', 'x = 1\n', 'x'],
         'outputs': [{'output_type': 'execute_result', 'data': {'text/plain': ['1']}}]},
    ]}
    text = make_readme.render(nb)
    assert 'secret' not in text and '#|' not in text
    assert '```python\nx = 1\nx\n```\n\n```\n1\n```' in text


def test_ci_runs_exactly_the_readmes_test_command():
    from pathlib import Path
    root = Path(__file__).resolve().parent.parent
    command = next(line for line in (root / 'README.md').read_text().splitlines() if line.startswith('python3 -m venv') and 'pytest' in line)
    assert command in (root / '.ci' / 'run').read_text()


def test_the_layout_table_lists_every_notebook_with_its_module():
    import json, re
    readme = (ROOT / 'README.md').read_text()
    for nb in sorted((ROOT / 'nbs').glob('[0-9]*.ipynb')):
        exported = re.search(r'#\|\s*default_exp\s+(\S+)', '\n'.join(''.join(c['source']) for c in json.loads(nb.read_text())['cells']))
        module = f'`maxine.{exported.group(1)}`' if exported else '(no module)'
        assert f'| {nb.stem} | {module} |' in readme, f"README's layout table has no row for {nb.stem} ({module})"
