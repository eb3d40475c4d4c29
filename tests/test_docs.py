"""The docs website: built offline from the notebooks (tools/build_docs.py) and checked in headless Chromium.

Needs Debian's chromium and chromium-driver (`.ci/run` installs them); skipped with the reason where they are absent."""
import importlib.util, json, shutil, subprocess, sys, threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / 'tests' / 'artifacts'
spec = importlib.util.spec_from_file_location('build_docs', ROOT / 'tools' / 'build_docs.py')
build_docs = importlib.util.module_from_spec(spec); spec.loader.exec_module(build_docs)

CHROMIUM, DRIVER = shutil.which('chromium'), shutil.which('chromedriver')
NUMBERED = sorted(p.stem for p in (ROOT / 'nbs').glob('[0-9]*.ipynb'))


# --- the glue, without a browser -----------------------------------------------------------------------------------

def test_convert_cell_handles_quarto_and_nbdev_options():
    code = lambda src, outputs=(): {'cell_type': 'code', 'id': 'x', 'metadata': {}, 'source': src, 'outputs': list(outputs),
                                     'execution_count': 1, 'has_sd': True}
    cell = build_docs.convert_cell(code('#| echo: false\n#| output: asis\nshow_doc(f)',
                                        [{'output_type': 'stream', 'name': 'stdout', 'text': '**bold**'}]))
    assert 'has_sd' not in cell and cell['source'] == 'show_doc(f)'
    assert cell['metadata']['tags'] == ['remove-input']
    assert cell['outputs'][0] == {'output_type': 'display_data', 'metadata': {}, 'data': {'text/markdown': '**bold**'}}
    assert build_docs.convert_cell(code('#| include: false\nx = 1')) is None
    assert build_docs.convert_cell(code('#| hide\nx = 1')) is None
    assert build_docs.convert_cell(code('#| slow\nx = 1'))['source'] == 'x = 1'
    doc = '---\n\n[source](https://example.org/f.py#L3){target="_blank" style="float:right"}\n\n### f\n\n*Does f*'
    shown = build_docs.convert_cell(code('show_doc(f)', [{'output_type': 'execute_result', 'metadata': {}, 'execution_count': 1,
                                                           'data': {'text/markdown': doc, 'text/plain': 'f'}}]))
    assert shown['outputs'][0]['data']['text/markdown'] == '### f\n\n*Does f*'


def test_show_doc_becomes_a_sphinx_object():
    code = {'cell_type': 'code', 'id': 'x', 'metadata': {}, 'source': '#| echo: false\nshow_doc(Learner)', 'outputs': [], 'execution_count': 1}
    entry = build_docs.convert_cell(code, 'maxine.learner', set())
    assert entry['cell_type'] == 'markdown'
    head = entry['source'].split('\n')[0]
    assert head.startswith('```{py:class} Learner(model, dls, loss_func=cross_entropy, opt_func=SGD')
    assert 'metrics=(accuracy,)' in head and '0x' not in head                  # defaults as a user writes them
    assert ':module: maxine.learner' in entry['source'] and '[source](https://github.com/' in entry['source']
    method = build_docs.convert_cell(dict(code, source='show_doc(Tensor.backward)'), 'maxine.tensor', set())
    assert method['source'].startswith('```{py:method} Tensor.backward(self, gradient=None')
    assert build_docs.escape_markdown('H*W and `a*b` cost \\sqrt 2') == 'H\\*W and `a*b` cost \\\\sqrt 2'


def test_links_to_the_public_site_become_local():
    pages, anchors = {'tensor': '00_tensor'}, {('tensor', 'tensor'): 'maxine.tensor.Tensor'}
    md = 'See [`Tensor`](https://maxine-dl.github.io/maxine/tensor.html#tensor) and [the page](https://maxine-dl.github.io/maxine/tensor.html).'
    assert build_docs.site_links(md, pages, anchors) == 'See {py:obj}`Tensor <maxine.tensor.Tensor>` and [the page](00_tensor.ipynb).'
    html = '<a href="https://maxine-dl.github.io/maxine/tensor.html#tensor">'
    assert build_docs.site_links(html, pages, anchors, in_output=True) == '<a href="00_tensor.html#maxine.tensor.Tensor">'


def test_convert_notebook_front_matter_and_toc():
    nb = {'cells': [{'cell_type': 'raw', 'metadata': {}, 'source': "---\ndescription: 'What it does,\n  on two lines'\ntitle: The Tensor\n---"},
                    {'cell_type': 'markdown', 'metadata': {}, 'source': 'text'}], 'metadata': {}, 'nbformat': 4, 'nbformat_minor': 5}
    out = build_docs.convert_notebook(nb, toc=['00_tensor', '01_nn'])
    assert out['cells'][0]['source'] == '# The Tensor\n\n> What it does, on two lines'
    assert '00_tensor\n01_nn' in out['cells'][-1]['source'] and ':hidden:' in out['cells'][-1]['source']


# --- the site in a browser ------------------------------------------------------------------------------------------

needs_browser = pytest.mark.skipif(not (CHROMIUM and DRIVER), reason="Chromium and chromedriver are not installed "
                                   "(apt-get install -y chromium chromium-driver); .ci/run installs them")


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args): pass


@pytest.fixture(scope='module')
def site_url():
    # In a fresh process: building runs the notebooks' exported cells, which would redefine maxine's ops in this one
    subprocess.run([sys.executable, str(ROOT / 'tools' / 'build_docs.py')], check=True, capture_output=True)
    site = build_docs.SITE
    server = ThreadingHTTPServer(('127.0.0.1', 0), partial(QuietHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown(); server.server_close()


@pytest.fixture(scope='module')
def browser(tmp_path_factory):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ('--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
                 '--disable-component-update', '--disable-sync', '--no-first-run', '--window-size=1280,1600',
                 f'--user-data-dir={tmp_path_factory.mktemp("chromium")}'):
        options.add_argument(flag)
    options.set_capability('goog:loggingPrefs', {'performance': 'ALL'})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    yield driver
    driver.quit()


def requested_urls(driver):
    "Every URL the browser asked for since the last call (from Chrome's performance log)"
    urls = []
    for entry in driver.get_log('performance'):
        message = json.loads(entry['message'])['message']
        if message['method'] == 'Network.requestWillBeSent': urls.append(message['params']['request']['url'])
    return urls


def wait_for(driver, script, timeout=10):
    from selenium.webdriver.support.ui import WebDriverWait
    return WebDriverWait(driver, timeout).until(lambda d: d.execute_script(script))


@needs_browser
def test_home_page_title_and_sidebar_order(site_url, browser):
    browser.get(site_url + 'index.html')
    assert browser.title.startswith('maxine')
    links = browser.execute_script(
        "return [...document.querySelectorAll('.sidebar-tree a.reference')].map(a => a.getAttribute('href'))")
    pages = [Path(urlparse(h).path).stem for h in links]
    assert pages == NUMBERED, f"sidebar lists {pages}"


@needs_browser
def test_tensor_page_shows_api_entry_and_saves_screenshot(site_url, browser):
    browser.get(site_url + '00_tensor.html')
    entries = browser.execute_script("return [...document.querySelectorAll('article dt.sig-object')].map(d => [d.id, d.textContent])")
    tensor_entry = [text for id_, text in entries if id_ == 'maxine.tensor.Tensor']
    assert tensor_entry and tensor_entry[0].strip().startswith('class Tensor('), entries[:5]   # a class, as a class
    toc = browser.execute_script("return [...document.querySelectorAll('.toc-tree a')].map(a => a.getAttribute('href'))")
    assert '#maxine.tensor.Tensor' in toc                                    # in the page's contents
    text = browser.find_element('tag name', 'article').text
    assert 'An array that remembers how it was computed' in text           # Tensor's docstring, from show_doc
    assert 'show_doc(' not in text                                           # `#| echo: false` hid the code
    assert '#| export' not in text and 'from fastcore.test import' not in text   # directives and `#| hide` cells gone
    ARTIFACTS.mkdir(exist_ok=True)
    browser.execute_script("document.documentElement.style.scrollBehavior = 'auto'; document.getElementById('maxine.tensor.Tensor').scrollIntoView()")
    browser.save_screenshot(str(ARTIFACTS / 'tensor_page.png'))
    assert (ARTIFACTS / 'tensor_page.png').stat().st_size > 10_000


@needs_browser
def test_figures_are_images_that_load(site_url, browser):
    browser.get(site_url + '03_optim.html')
    wait_for(browser, "return document.readyState === 'complete'")
    images = browser.execute_script(
        "return [...document.querySelectorAll('article img')].map(i => [i.getAttribute('src'), i.complete && i.naturalWidth > 0])")
    assert images and all(loaded for _, loaded in images), images


@needs_browser
def test_links_between_notebooks_work(site_url, browser):
    browser.get(site_url + '01a_linear.html')
    hrefs = browser.execute_script("return [...document.querySelectorAll('article a.reference.internal')].map(a => a.href)")
    target = next(h for h in hrefs if '01_nn_init' in h)
    browser.get(target)
    assert 'Initialisation' in browser.title


@needs_browser
def test_search_finds_backward(site_url, browser):
    browser.get(site_url + 'search.html?q=backward')
    wait_for(browser, "return document.querySelectorAll('#search-results li').length > 0", timeout=20)
    results = browser.execute_script("return [...document.querySelectorAll('#search-results li a')].map(a => a.textContent)")
    assert any('Tensor' in r for r in results), results


@needs_browser
def test_math_renders_and_nothing_leaves_localhost(site_url, browser):
    requested_urls(browser)                                                 # forget earlier pages
    browser.get(site_url + '00_tensor.html')
    wait_for(browser, "return document.querySelectorAll('.MathJax, .MathJax_Display').length > 0", timeout=30)
    for page in ['index.html', '02_loss.html', '04_data.html', 'search.html?q=softmax']:
        browser.get(site_url + page)
        wait_for(browser, "return document.readyState === 'complete'")
    hosts = {urlparse(u).hostname for u in requested_urls(browser) if urlparse(u).scheme in ('http', 'https')}
    assert hosts == {'127.0.0.1'}, f"requests left 127.0.0.1: {hosts}"


def test_quarto_setup_lists_every_notebook():
    "For those who have Quarto: nbdev-docs reads nbs/_quarto.yml, nbs/nbdev.yml and nbs/sidebar.yml (nbdev-sidebar writes it)"
    import yaml
    quarto = yaml.safe_load((ROOT / 'nbs' / '_quarto.yml').read_text())
    assert quarto['project']['type'] == 'website' and 'sidebar.yml' in quarto['metadata-files']
    assert 'nbdev.yml' in quarto['metadata-files'] and (ROOT / 'nbs' / 'nbdev.yml').exists()
    sidebar = yaml.safe_load((ROOT / 'nbs' / 'sidebar.yml').read_text())['website']['sidebar']['contents']
    assert sidebar == ['index.ipynb'] + [f'{name}.ipynb' for name in NUMBERED]


API_PAGES = ['00_tensor', '01a_linear', '03_optim', '04_data', '05_train_mnist', '06_conv', '92_cli']


@needs_browser
def test_every_api_entry_has_an_anchor_and_no_signature_overflows(site_url, browser):
    browser.set_window_size(1400, 1000)
    try:
        for page in API_PAGES:
            browser.get(site_url + page + '.html')
            wait_for(browser, "return document.readyState === 'complete'")
            found = browser.execute_script("""return [...document.querySelectorAll('article dt.sig-object')].map(
                d => [d.id, d.scrollWidth <= d.clientWidth + 1, d.textContent.trim().startsWith('def ')])""")
            assert found, page
            for id_, fits, says_def in found:
                assert id_.startswith('maxine.'), (page, id_)
                assert fits, f"{page}: the signature of {id_} overflows at 1,400 px"
                assert not says_def, (page, id_)
    finally: browser.set_window_size(1280, 1600)


@needs_browser
def test_links_stay_on_the_site(site_url, browser):
    for page in ['index'] + NUMBERED:
        browser.get(site_url + page + '.html')
        hrefs = browser.execute_script("return [...document.querySelectorAll('article a[href]')].map(a => a.href)")
        leaving = [h for h in hrefs if 'maxine-dl.github.io' in h]
        assert not leaving, f"{page}: links to the public site instead of this one: {leaving[:3]}"


@needs_browser
def test_search_finds_api_names(site_url, browser):
    for name, target in [('DataLoader', '04_data.html#maxine.utils.data.DataLoader'), ('Learner', '05_train_mnist.html#maxine.learner.Learner')]:
        browser.get(site_url + f'search.html?q={name}')
        wait_for(browser, "return document.querySelectorAll('#search-results li').length > 0", timeout=20)
        links = browser.execute_script("return [...document.querySelectorAll('#search-results li a')].map(a => a.getAttribute('href'))")
        assert any(target in l for l in links), (name, links[:5])


@needs_browser
def test_site_furniture_and_phone_tables(site_url, browser):
    import urllib.request
    assert urllib.request.urlopen(site_url + 'favicon.ico').status == 200
    assert (ROOT / '_site' / 'objects.inv').exists() and (ROOT / '_site' / 'genindex.html').exists()
    browser.get(site_url + 'index.html')
    footer = browser.execute_script("return document.querySelector('.copyright').textContent")
    assert 'maxine developers' in footer
    assert not browser.execute_script("return [...document.querySelectorAll('a')].some(a => (a.getAttribute('href') || '').includes('_sources/'))")
    browser.set_window_size(390, 900)
    try:
        browser.get(site_url + 'index.html')
        tables = browser.execute_script("""return [...document.querySelectorAll('article table')].map(
            t => t.scrollWidth <= t.clientWidth + 1 || getComputedStyle(t).overflowX === 'auto')""")
        assert tables and all(tables)
    finally: browser.set_window_size(1280, 1600)


def test_the_build_log_is_clean(site_url):
    log = (ROOT / '_docs_build.log').read_text()
    assert 'WARNING' not in log and 'ERROR' not in log, log[-2000:]


@needs_browser
def test_no_page_shows_a_directive_or_links_into_a_notebook_session(site_url, browser):
    "nbdev's `#|` directives never reach a page, and no source link points at code typed in a notebook session"
    for page in ['index'] + NUMBERED:
        browser.get(site_url + page + '.html')
        text = browser.find_element('tag name', 'article').text
        assert '#| ' not in text and '#|\n' not in text, page
        hrefs = browser.execute_script("return [...document.querySelectorAll('a')].map(a => a.href)")
        assert not [h for h in hrefs if 'ipython-input' in h or '<ipython' in h], page
