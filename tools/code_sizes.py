"""The largest exported notebook cells and the longest functions of the package, in lines, for review.

    python tools/code_sizes.py [ROOT] [--top 10]

ROOT is a checkout of maxine (default: this one), so that two versions can be compared."""
import argparse, ast, json
from pathlib import Path

def exported_cells(root):
    "(lines, notebook, first line) of each exported code cell"
    for nb in sorted((root / 'nbs').glob('*.ipynb')):
        for cell in json.loads(nb.read_text())['cells']:
            src = ''.join(cell['source'])
            if cell['cell_type'] == 'code' and src.startswith('#| export'):
                yield len(src.splitlines()) - 1, nb.name, src.splitlines()[1][:70] if src.count('\n') else ''

def functions(root):
    "(lines, module, qualified name) of each function and method of the package"
    for path in sorted((root / 'maxine').rglob('*.py')):
        if path.name == '_modidx.py': continue
        tree = ast.parse(path.read_text())
        def visit(node, prefix=''):
            for child in ast.iter_child_nodes(node):
                if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    yield child.end_lineno - child.lineno + 1, str(path.relative_to(root)), prefix + child.name
                    yield from visit(child, prefix + child.name + '.')
                elif isinstance(child, ast.ClassDef): yield from visit(child, prefix + child.name + '.')
        yield from visit(tree)

def main(root, top):
    root = Path(root)
    cells, funcs = sorted(exported_cells(root), reverse=True), sorted(functions(root), reverse=True)
    print(f"{root}: {len(cells)} exported cells, {sum(n > 40 for n, *_ in cells)} over 40 lines; "
          f"{len(funcs)} functions, {sum(n > 40 for n, *_ in funcs)} over 40 lines\n")
    print("| lines | notebook | cell begins |\n|---:|---|---|")
    for n, nb, first in cells[:top]: print(f"| {n} | {nb} | `{first}` |")
    print("\n| lines | module | function |\n|---:|---|---|")
    for n, module, name in funcs[:top]: print(f"| {n} | {module} | `{name}` |")

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('root', nargs='?', default=Path(__file__).resolve().parent.parent)
    p.add_argument('--top', type=int, default=10)
    a = p.parse_args()
    main(a.root, a.top)
