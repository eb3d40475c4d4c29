"""Every notebook's exported code imports only from modules that notebooks before it export (and its own): the
notebooks can be read, and run, in order. The order is nbdev's: the file names, sorted."""
import json, re
from pathlib import Path

NBS = sorted((Path(__file__).resolve().parent.parent / 'nbs').glob('*.ipynb'))
EXPORT = re.compile(r'^#\|\s*export(?:i)?(?:\s+(\S+))?\s*$', re.M)
IMPORT = re.compile(r'^[ \t]*(?:from[ \t]+(maxine[\w.]*)[ \t]+import[ \t]+(\([\w,\s]+\)|[\w, \t]+)|import[ \t]+(maxine[\w.]*))', re.M)


def cells(nb): return [''.join(c['source']) for c in json.loads(nb.read_text())['cells'] if c['cell_type'] == 'code']


def exported_by():
    "Each module (dotted, from `maxine`) and the notebook that exports it (by default_exp or `#| export module`)"
    owner = {}
    for nb in NBS:
        for src in cells(nb):
            for match in re.finditer(r'^#\|\s*default_exp\s+(\S+)', src, re.M):
                owner['maxine.' + match.group(1).removesuffix('.__init__')] = nb.name
            for match in EXPORT.finditer(src):
                if match.group(1): owner['maxine.' + match.group(1).removesuffix('.__init__')] = nb.name
    owner['maxine'] = owner.pop('maxine.__init__', owner.get('maxine'))
    return owner


def imports(src):
    "The maxine modules an exported cell imports (for `from maxine.a import b`, `maxine.a.b` if that is a module)"
    for match in IMPORT.finditer(src):
        if match.group(3): yield match.group(3); continue
        names = [n for n in re.split(r'[,\s()]+', match.group(2)) if n]
        yield from [f'{match.group(1)}.{n}' for n in names] + [match.group(1)]


def test_every_notebook_imports_only_from_the_notebooks_before_it():
    owner, position = exported_by(), {nb.name: i for i, nb in enumerate(NBS)}
    later = []
    for nb in NBS:
        for src in cells(nb):
            if not EXPORT.search(src): continue
            for module in imports(src):
                if module in owner:
                    if position[owner[module]] > position[nb.name]: later.append(f"{nb.name} imports {module} ({owner[module]})")
                    break
    assert not later, 'imports from later notebooks:\n' + '\n'.join(later)


def test_the_checker_sees_an_import_from_a_later_notebook():
    found = list(imports("#| export\nfrom maxine import nn, optim\nfrom maxine.nn import functional as F\nimport maxine.cli"))
    assert 'maxine.nn' in found and 'maxine.nn.functional' in found and 'maxine.cli' in found
    assert exported_by()['maxine.nn'] == '07d_nn.ipynb' and exported_by()['maxine'] == 'index.ipynb'


def test_every_exported_cell_appears_once_in_its_module():
    "nbdev-export run twice writes the same modules (a cell exported to another notebook's module would be appended again)"
    root = NBS[0].parent.parent / 'maxine'
    repeated = []
    for path in root.rglob('*.py'):
        markers = re.findall(r'^# %% (.+)$', path.read_text(), re.M)
        repeated += [f"{path.relative_to(root)}: {m}" for m in set(markers) if markers.count(m) > 1]
    assert not repeated, 'cells written more than once:\n' + '\n'.join(sorted(repeated))


def test_imports_have_cells_of_their_own():
    "nbdev runs every cell that imports when it renders the docs (for show_doc): such a cell must hold imports only"
    import ast
    mixed = []
    for nb in NBS:
        for src in cells(nb):
            if EXPORT.search(src) or re.search(r'^#\|\s*(exec_doc|eval:\s*false)', src, re.M): continue
            try: tree = ast.parse('\n'.join(l for l in src.splitlines() if not l.startswith('#|')))
            except SyntaxError: continue
            imports = any(isinstance(n, (ast.Import, ast.ImportFrom)) for n in ast.walk(tree))
            if imports and not all(isinstance(n, (ast.Import, ast.ImportFrom)) for n in tree.body):
                mixed.append(f"{nb.name}: {src.splitlines()[0][:60]}")
    assert not mixed, 'cells mixing imports with other code:\n' + '\n'.join(mixed)


def test_progress_bars_are_saved_as_their_final_line():
    "tools/squash_progress.py keeps what a terminal shows: no saved output holds a carriage return"
    redrawn = [f"{nb.name}, cell {i}" for nb in NBS for i, cell in enumerate(json.loads(nb.read_text())['cells'])
               for out in cell.get('outputs', []) if out.get('output_type') == 'stream' and '\r' in ''.join(out['text'])]
    assert not redrawn, 'progress bars saved with every redraw (run python tools/squash_progress.py):\n' + '\n'.join(redrawn)
