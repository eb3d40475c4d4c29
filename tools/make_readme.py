"""Write README.md from nbs/index.ipynb without Quarto (nbdev-readme needs Quarto).

    python tools/make_readme.py          # write README.md
    python tools/make_readme.py --check  # exit 1 if README.md is out of date

Markdown cells are copied as they are; code cells become ```python blocks followed by their text output;
cells marked `#| hide` are left out, and `#|` directive lines are dropped."""
import json, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = "<!-- Generated from nbs/index.ipynb by tools/make_readme.py: edit the notebook, not this file. -->\n\n"

def cell_source(cell): return ''.join(cell['source'])

def directives(source): return [l[3:].strip() for l in source.splitlines() if l.startswith('#|')]

def output_text(output):
    if output.get('output_type') == 'stream': return ''.join(output['text'])
    data = output.get('data', {})
    if 'text/markdown' in data: return None
    return ''.join(data.get('text/plain', ''))

NOTEBOOK_LINK = re.compile(r'\]\(((?:\d\w*|index)\.ipynb)\)')

def render(nb):
    "The README text for notebook `nb` (a dict read from .ipynb JSON); links to notebooks point into nbs/"
    parts = []
    for cell in nb['cells']:
        source = cell_source(cell)
        if 'hide' in directives(source): continue
        if cell['cell_type'] == 'markdown':
            text = '\n'.join(l for l in source.splitlines() if not l.startswith('#|'))
            parts.append(NOTEBOOK_LINK.sub(r'](nbs/\1)', text.strip()))
            continue
        code = '\n'.join(l for l in source.splitlines() if not l.startswith('#|')).strip()
        if code: parts.append(f"```python\n{code}\n```")
        texts = [t for t in map(output_text, cell.get('outputs', [])) if t]
        if texts: parts.append("```\n" + ''.join(texts).rstrip() + "\n```")
    return HEADER + '\n\n'.join(parts) + '\n'

def main(check=False):
    text = render(json.loads((ROOT / 'nbs' / 'index.ipynb').read_text()))
    readme = ROOT / 'README.md'
    if check:
        if not readme.exists() or readme.read_text() != text:
            print("README.md is out of date with nbs/index.ipynb: run python tools/make_readme.py")
            return 1
        return 0
    readme.write_text(text)
    return 0

if __name__ == '__main__':
    sys.exit(main(check='--check' in sys.argv))
