"""Build the docs website from the notebooks, offline, with Sphinx and MyST-NB (Quarto is not needed).

    python tools/build_docs.py            # writes _site/; open _site/index.html or serve the folder

nbdev processes the notebooks as it does for Quarto (`proc_nbs`: show_doc outputs rendered, `#| hide` cells
dropped, into `_proc/`). This script then turns nbdev's Quarto conventions into what Sphinx understands:

- nbdev-only cell keys (such as `has_sd`) are removed, so the notebooks are valid nbformat;
- `#| echo: false` becomes the MyST-NB tag `remove-input` (output kept, code hidden), `#| include: false` removes
  the cell, `#| output: asis` turns printed text into Markdown, and every `#|` line is dropped from shown code;
- show_doc's Markdown loses its Quarto-only parts: the `[source](...){target=...}` link and the `---` rules;
- Quarto's front matter (a raw cell) gives the page title and description;
- the home page (`index.ipynb`) gets a hidden table of contents listing the numbered notebooks in order.

Sphinx writes a static site with its own search index; MathJax is copied from the `jupyter-server-mathjax` package,
so pages load nothing from outside the site."""
import json, re, shutil, subprocess, sys
from pathlib import Path
import yaml

ROOT = Path(__file__).resolve().parent.parent
NBS, PROC, SOURCE, SITE = ROOT / 'nbs', ROOT / '_proc', ROOT / '_docs_src', ROOT / '_site'
NB_CELL_KEYS = {'markdown': {'cell_type', 'id', 'metadata', 'source', 'attachments'},
                'code': {'cell_type', 'id', 'metadata', 'source', 'outputs', 'execution_count'},
                'raw': {'cell_type', 'id', 'metadata', 'source', 'attachments'}}
DIRECTIVE = re.compile(r'^#\|\s*([\w-]+)\s*:?\s*(.*)$')
QUARTO_SOURCE_LINK = re.compile(r'\[source\]\([^)]*\)\{[^}]*\}\n*')

def directives(source):
    "Quarto/nbdev cell options (`#| key: value`) of a code cell, as a dict"
    found = {}
    for line in source.splitlines():
        m = DIRECTIVE.match(line)
        if m: found[m[1]] = m[2].strip() or True
    return found

def clean_markdown(text):
    "show_doc's Markdown without Quarto-only syntax: the `[source](...){...}` link and `---` rules"
    text = QUARTO_SOURCE_LINK.sub('', ''.join(text))
    return '\n'.join(line for line in text.split('\n') if line.strip() != '---').strip('\n')

def convert_cell(cell):
    "One processed cell as Sphinx/MyST-NB expects it, or None to drop it"
    cell = {k: v for k, v in cell.items() if k in NB_CELL_KEYS[cell['cell_type']]}
    if cell['cell_type'] != 'code': return cell
    source = ''.join(cell['source'])
    options = directives(source)
    if options.get('include') == 'false' or 'hide' in options: return None
    cell['source'] = '\n'.join(l for l in source.splitlines() if not DIRECTIVE.match(l)).strip('\n')
    tags = cell.setdefault('metadata', {}).setdefault('tags', [])
    if options.get('echo') == 'false' and 'remove-input' not in tags: tags.append('remove-input')
    if options.get('output') == 'asis':
        cell['outputs'] = [{'output_type': 'display_data', 'metadata': {}, 'data': {'text/markdown': o['text']}}
                           if o.get('output_type') == 'stream' else o for o in cell['outputs']]
    for output in cell['outputs']:
        if 'text/markdown' in output.get('data', {}): output['data']['text/markdown'] = clean_markdown(output['data']['text/markdown'])
    return cell

def front_matter(cell):
    "Quarto's YAML front matter (a raw cell) as a dict, or None if the cell is not front matter"
    text = ''.join(cell['source'])
    if cell['cell_type'] != 'raw' or not text.startswith('---'): return None
    return yaml.safe_load(text.strip().strip('-')) or {}

def convert_notebook(nb, toc=None):
    "A processed notebook as MyST-NB expects it; `toc` (document names) adds a hidden table of contents"
    cells, title = [], None
    for cell in nb['cells']:
        fields = front_matter(cell)
        if fields is not None:
            title = fields.get('title')
            header = (f"# {title}\n\n" if title else '') + (f"> {fields['description']}" if fields.get('description') else '')
            if header: cells.append({'cell_type': 'markdown', 'metadata': {}, 'source': header})
            continue
        converted = convert_cell(cell)
        if converted is not None: cells.append(converted)
    if toc:
        entries = '\n'.join(toc)
        cells.append({'cell_type': 'markdown', 'metadata': {}, 'source': f"```{{toctree}}\n:hidden:\n:maxdepth: 1\n\n{entries}\n```"})
    nb = dict(nb, cells=cells)
    nb.setdefault('metadata', {})['kernelspec'] = {'name': 'python3', 'display_name': 'Python 3', 'language': 'python'}
    return nb

CONF = '''project = "maxine"
author = "maxine developers"
extensions = ["myst_nb"]
nb_execution_mode = "off"
myst_enable_extensions = ["dollarmath", "amsmath"]
html_theme = "furo"
html_title = "maxine"
html_static_path = ["_static"]
mathjax_path = "mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full"
mathjax2_config = {"tex2jax": {"processClass": "math", "processEscapes": True},
                   "HTML-CSS": {"availableFonts": [], "webFont": "STIX-Web", "imageFont": None}}   # the fonts the package ships
exclude_patterns = ["_build", "**.ipynb_checkpoints"]
suppress_warnings = ["myst.header", "mystnb.unknown_mime_type"]
html_permalinks_icon = "#"
'''

def notebooks(folder):
    "index.ipynb first, then the numbered notebooks in order"
    nbs = sorted(p for p in folder.glob('*.ipynb') if p.name != 'index.ipynb')
    return [folder / 'index.ipynb'] + nbs

def build(site=SITE):
    "Process the notebooks with nbdev, convert them, and build the site with Sphinx; return the site folder"
    from nbdev.doclinks import _build_modidx
    from nbdev.serve import proc_nbs
    import jupyter_server_mathjax
    _build_modidx()
    proc_nbs(path=str(NBS), n_workers=0, force=True)
    shutil.rmtree(SOURCE, ignore_errors=True)
    (SOURCE / '_static').mkdir(parents=True)
    shutil.copytree(Path(jupyter_server_mathjax.__file__).parent / 'static', SOURCE / '_static' / 'mathjax')
    pages = notebooks(PROC)
    for page in pages:
        toc = [p.stem for p in pages[1:]] if page.name == 'index.ipynb' else None
        nb = convert_notebook(json.loads(page.read_text()), toc)
        (SOURCE / page.name).write_text(json.dumps(nb, indent=1))
    (SOURCE / 'conf.py').write_text(CONF)
    shutil.rmtree(site, ignore_errors=True)
    subprocess.run([sys.executable, '-m', 'sphinx', '-b', 'html', '-q', str(SOURCE), str(site)], check=True)
    return site

if __name__ == '__main__':
    print(f"built {build()}")
