"""Build the docs website from the notebooks, offline, with Sphinx and MyST-NB (Quarto is not needed).

    python tools/build_docs.py            # writes _site/; open _site/index.html or serve the folder

nbdev processes the notebooks as it does for Quarto (`proc_nbs`: show_doc outputs rendered, `#| hide` cells
dropped, into `_proc/`). This script then turns nbdev's Quarto conventions into what Sphinx understands:

- nbdev-only cell keys (such as `has_sd`) are removed, so the notebooks are valid nbformat;
- `#| echo: false` becomes the MyST-NB tag `remove-input` (output kept, code hidden), `#| include: false` removes
  the cell, `#| output: asis` turns printed text into Markdown, and every `#|` line is dropped from shown code;
- each `show_doc(x)` cell becomes a Sphinx object (`py:class`, `py:function`, `py:method`, ...) built from the object
  itself: its signature as a user would write it, its docstring, a link to its source; so every API name has a
  stable anchor (its full dotted name), an entry in the page contents, the general index and `objects.inv`, and
  is found by the search;
- links nbdev made to the public Quarto site (`https://maxine-dl.github.io/maxine/tensor.html#...`) point at the
  page and object of this site instead;
- Quarto's front matter (a raw cell) gives the page title and description;
- the home page (`index.ipynb`) gets a hidden table of contents listing the numbered notebooks in order.

Sphinx writes a static site with its own search index; MathJax is copied from the `jupyter-server-mathjax` package,
so pages load nothing from outside the site."""
import inspect, json, re, shutil, subprocess, sys
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

DOC_HOST = 'https://maxine-dl.github.io/maxine/'
SOURCE_HOST = 'https://github.com/maxine-dl/maxine/blob/main/'
SHOW_DOC = re.compile(r'^show_doc\(([\w.]+)\s*(?:,[^)]*)?\)$')
SITE_LINK = re.compile(re.escape(DOC_HOST) + r'([\w-]+)\.html(?:#([\w.-]+))?')

def quarto_page(stem):
    "The page name nbdev's Quarto site gives notebook `stem` (numbers dropped): 00_tensor -> tensor"
    return re.sub(r'^\d+[a-z]?_', '', stem)

def format_default(value):
    "A default value as a user would write it: functions and classes by name"
    if isinstance(value, (tuple, list)):
        items = [format_default(v) for v in value]
        inner = ', '.join(items) + (',' if isinstance(value, tuple) and len(items) == 1 else '')
        return f"({inner})" if isinstance(value, tuple) else f"[{inner}]"
    if callable(value) and hasattr(value, '__name__'): return value.__name__
    return repr(value)

def format_signature(obj):
    "`(a, b=1, *, c=None)`: the parameters of `obj` without annotations, defaults as written"
    try: sig = inspect.signature(obj)
    except (TypeError, ValueError): return '()'
    parts, star_done = [], False
    for p in sig.parameters.values():
        if p.kind is p.KEYWORD_ONLY and not star_done: parts.append('*'); star_done = True
        text = ('*' if p.kind is p.VAR_POSITIONAL else '**' if p.kind is p.VAR_KEYWORD else '') + p.name
        if p.kind is p.VAR_POSITIONAL: star_done = True
        if p.default is not p.empty: text += '=' + format_default(p.default)
        parts.append(text)
    return '(' + ', '.join(parts) + ')'

def escape_markdown(text):
    "Docstring text as Markdown that shows it as written: `*`, `$` and backslashes escaped outside code spans"
    pieces = re.split(r'(`[^`]*`)', text)
    return ''.join(p if p.startswith('`') else re.sub(r'([\\*$_<])', r'\\\1', p) for p in pieces)

def source_link(obj):
    "A link to the line that defines `obj` in the repository, or ''"
    try:
        target = inspect.unwrap(obj.fget if isinstance(obj, property) else obj)
        path = Path(inspect.getsourcefile(target)).resolve().relative_to(ROOT)
        line = inspect.getsourcelines(target)[1]
    except (TypeError, OSError, ValueError): return ''
    return f"[source]({SOURCE_HOST}{path}#L{line})"

def resolve(module, expr):
    "The object `expr` (a name, or a dotted path like `Tensor.backward`) names in `module`, or None"
    obj = module
    for part in expr.split('.'):
        obj = inspect.getattr_static(obj, part, None) if isinstance(obj, type) else getattr(obj, part, None)
        if isinstance(obj, (staticmethod, classmethod)): obj = obj.__func__
        if obj is None: return None
    return obj

def api_entry(expr, module_name, seen):
    "The MyST directive documenting `expr` of module `module_name` as a Sphinx object, or None if it can't be found"
    import importlib
    module = importlib.import_module(module_name)
    obj = resolve(module, expr)
    if obj is None: return None
    if inspect.isclass(obj): kind, signature = 'class', format_signature(obj)
    elif isinstance(obj, property): kind, signature = 'property', ''
    elif callable(obj): kind, signature = ('method' if '.' in expr else 'function'), format_signature(obj)
    else: kind, signature = 'data', ''
    doc = (obj.__doc__ if isinstance(obj, property) else inspect.getdoc(obj)) or ''
    if inspect.isclass(obj) and doc == inspect.getdoc(object): doc = ''
    full = f"{module_name}.{expr}"
    options = [f":module: {module_name}"] + ([":no-index:"] if full in seen else [])
    seen.add(full)
    body = '\n\n'.join(filter(None, [escape_markdown(doc.strip()), source_link(obj)]))
    return f"```{{py:{kind}}} {expr}{signature}\n" + '\n'.join(options) + f"\n\n{body}\n```"

MD_SITE_LINK = re.compile(r'\[([^\]]*)\]\(' + re.escape(DOC_HOST) + r'([\w-]+)\.html(?:#([\w.-]+))?\)')

def site_links(text, pages, anchors, in_output=False):
    """Links into the public Quarto site, pointed at this site instead: in Markdown cells a reference to the object
    (`{py:obj}`, which Sphinx resolves to its page and anchor) or to the page; in outputs, a plain relative link"""
    def local_md(m):
        title, page, anchor = m[1], pages.get(m[2]), anchors.get((m[2], m[3])) if m[3] else None
        if anchor: return f"{{py:obj}}`{title.strip('`')} <{anchor}>`"
        return f"[{title}]({page}.ipynb)" if page else m[0]
    def local_html(m):
        page, anchor = pages.get(m[1]), anchors.get((m[1], m[2])) if m[2] else None
        return f"{page}.html" + (f"#{anchor}" if anchor else '') if page else m[0]
    return SITE_LINK.sub(local_html, text) if in_output else MD_SITE_LINK.sub(local_md, text)

def link_maps():
    "Quarto page name -> this site's page, and (Quarto page, anchor) -> object id, from nbdev's index of symbols"
    from maxine._modidx import d
    pages = {quarto_page(p.stem): p.stem for p in NBS.glob('*.ipynb')}
    anchors = {}
    for module, syms in d['syms'].items():
        for full, (where, _) in syms.items():
            page, _, anchor = where.partition('#')
            anchors[(page.removesuffix('.html'), anchor)] = full
    return pages, anchors

def convert_cell(cell, module_name=None, seen=None, links=None):
    """One processed cell as Sphinx/MyST-NB expects it, or None to drop it. With the notebook's module, `show_doc`
    cells become Sphinx objects; with `links` (from `link_maps`), links into the Quarto site become local"""
    cell = {k: v for k, v in cell.items() if k in NB_CELL_KEYS[cell['cell_type']]}
    cell['metadata'] = {k: v for k, v in cell.get('metadata', {}).items() if k in ('tags',)}
    if cell['cell_type'] != 'code':
        if links and cell['cell_type'] == 'markdown': cell['source'] = site_links(''.join(cell['source']), *links)
        return cell
    source = ''.join(cell['source'])
    options = directives(source)
    if options.get('include') == 'false' or 'hide' in options: return None
    cell['source'] = '\n'.join(l for l in source.splitlines() if not DIRECTIVE.match(l)).strip('\n')
    shown = SHOW_DOC.match(cell['source'])
    if shown and module_name:
        entry = api_entry(shown[1], module_name, seen if seen is not None else set())
        if entry: return {'cell_type': 'markdown', 'id': cell.get('id'), 'metadata': {}, 'source': entry}
    tags = cell.setdefault('metadata', {}).setdefault('tags', [])
    if options.get('echo') == 'false' and 'remove-input' not in tags: tags.append('remove-input')
    if options.get('output') == 'asis':
        cell['outputs'] = [{'output_type': 'display_data', 'metadata': {}, 'data': {'text/markdown': o['text']}}
                           if o.get('output_type') == 'stream' else o for o in cell['outputs']]
    for output in cell['outputs']:
        if 'text/markdown' in output.get('data', {}):
            text = clean_markdown(output['data']['text/markdown'])
            output['data']['text/markdown'] = site_links(text, *links, in_output=True) if links else text
    return cell

def front_matter(cell):
    "Quarto's YAML front matter (a raw cell) as a dict, or None if the cell is not front matter"
    text = ''.join(cell['source'])
    if cell['cell_type'] != 'raw' or not text.startswith('---'): return None
    return yaml.safe_load(text.strip().strip('-')) or {}

def summary(source_nb):
    "The whole `> ...` summary under a notebook's title (Quarto's front matter keeps only its first line)"
    for cell in source_nb['cells']:
        text = ''.join(cell['source'])
        if cell['cell_type'] == 'markdown' and text.startswith('# '):
            lines = [l[2:].strip() for l in text.splitlines()[1:] if l.startswith('> ')]
            return ' '.join(lines) or None
    return None

def notebook_module(source_nb):
    "The module a notebook exports (`maxine.` + its default_exp), or None"
    for cell in source_nb['cells']:
        m = re.search(r'^#\|\s*default_exp\s+(\S+)', ''.join(cell['source']), re.M)
        if m: return 'maxine' if m[1] == '__init__' else 'maxine.' + m[1].removesuffix('.__init__')
    return None

def convert_notebook(nb, toc=None, source_nb=None, seen=None, links=None):
    """A processed notebook as MyST-NB expects it; `toc` (document names) adds a hidden table of contents. With the
    source notebook, the page keeps its whole summary and its API entries become Sphinx objects"""
    cells, title = [], None
    module_name = notebook_module(source_nb) if source_nb else None
    description = summary(source_nb) if source_nb else None
    for cell in nb['cells']:
        fields = front_matter(cell)
        if fields is not None:
            title = fields.get('title')
            text = description or fields.get('description')
            header = (f"# {title}\n\n" if title else '') + (f"> {text}" if text else '')
            if header: cells.append({'cell_type': 'markdown', 'metadata': {}, 'source': header})
            continue
        converted = convert_cell(cell, module_name, seen, links)
        if converted is not None: cells.append(converted)
    if toc:
        entries = '\n'.join(toc)
        cells.append({'cell_type': 'markdown', 'metadata': {}, 'source': f"```{{toctree}}\n:hidden:\n:maxdepth: 1\n\n{entries}\n```"})
    for i, cell in enumerate(cells): cell['id'] = cell.get('id') or f"cell-{i}"
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
copyright = "2026, the maxine developers. Apache-2.0"
html_favicon = "_static/favicon.ico"
html_extra_path = ["_extra"]
html_css_files = ["maxine.css"]
html_show_sourcelink = False
html_theme_options = {"source_repository": "https://github.com/maxine-dl/maxine/", "source_branch": "main",
                      "source_directory": "nbs/", "top_of_page_buttons": ["view"]}
python_maximum_signature_line_length = 80
add_module_names = False
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
    write_static_files(SOURCE)
    pages, seen, links = notebooks(PROC), set(), link_maps()
    for page in pages:
        toc = [p.stem for p in pages[1:]] if page.name == 'index.ipynb' else None
        source_nb = json.loads((NBS / page.name).read_text())
        nb = convert_notebook(json.loads(page.read_text()), toc, source_nb, seen, links)
        (SOURCE / page.name).write_text(json.dumps(nb, indent=1))
    (SOURCE / 'conf.py').write_text(CONF)
    shutil.rmtree(site, ignore_errors=True)
    # -W: a warning or an error fails the build (and so the docs test); the log is kept for reading
    done = subprocess.run([sys.executable, '-m', 'sphinx', '-b', 'html', '-q', '-W', '--keep-going', str(SOURCE), str(site)],
                          capture_output=True, text=True)
    (ROOT / '_docs_build.log').write_text(done.stdout + done.stderr)
    if done.returncode != 0 or done.stderr.strip():
        raise RuntimeError(f"the docs build reported problems:\n{done.stderr[-5000:]}")
    return site

CSS = """/* Wide tables and signatures scroll inside the column instead of overflowing it (phones, long signatures) */
article table.docutils { display: block; overflow-x: auto; max-width: 100%; }
article dl.py dt { overflow-wrap: anywhere; }
"""

def write_static_files(source):
    "The site's CSS and its icon (a small 'm', drawn here so that no binary file lives in the repository)"
    (source / '_static' / 'maxine.css').write_text(CSS)
    from PIL import Image, ImageDraw
    icon = Image.new('RGBA', (32, 32), (26, 115, 232, 255))
    ImageDraw.Draw(icon).text((8, 6), 'm', fill='white', font_size=20)
    icon.save(source / '_static' / 'favicon.ico')
    (source / '_extra').mkdir(exist_ok=True)
    icon.save(source / '_extra' / 'favicon.ico')

if __name__ == '__main__':
    print(f"built {build()}")
