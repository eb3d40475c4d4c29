"""Run other people's PyTorch programs on maxine: each under PyTorch, then under maxine with only its imports changed.

The programs are not in this repository (they are other people's code). `PROGRAMS` below says where each comes
from (repository, commit, path, licence) and how it is cut to CPU seconds (edits of its own constants). Three steps:

    python tools/compat_survey.py gather --mirror DIR --out /tmp/survey
        DIR holds the repositories as bare git copies, DIR/<owner>+<name>/repo (what the search tool's fetch
        brings) or as checkouts, DIR/<owner>/<name>. Writes each program, cut, to /tmp/survey.
    python tools/compat_survey.py run /tmp/survey [--torch-python PATH] [--only NAME ...]
        Runs each program in a fresh folder with PyTorch (PATH: a Python with torch and torchvision) and with maxine
        (this Python), and prints the table: did each run, and how close are the last numbers they printed.
    python tools/compat_survey.py names /tmp/survey
        Counts the torch.*, nn.*, F.* names and Tensor methods the programs use, and how many maxine has.
    python tools/compat_survey.py report /tmp/survey [--before OLD_RESULTS.json]
        Writes tests/compat/SURVEY.md from the results a run left (beside those of an earlier run, if given).

The imports are changed as `tests/compat/test_programs.py` changes them (`import torch` -> `import maxine as torch`,
`torch.x` -> `maxine.x` in import lines), and `torchvision` -> `maxine.vision`. Results are compared by the numbers
each run prints: the weights start from different random numbers in the two libraries, so a program that trains is
expected to end close, not equal. The table is written, with the date, to tests/compat/SURVEY.md by `run --write`.
"""
import argparse, ast, gzip, json, math, os, re, shutil, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# repository: (commit, licence)
REPOS = {
    'graykode/nlp-tutorial': ('d05e31ec81d56d70c1db89b99ab07e948f7ebc11', 'MIT'),
    'hunkim/PyTorchZeroToAll': ('e5a260fac0b4ff1e2ec434fc6f0d962ac97fc289', 'none stated'),
    'jcjohnson/pytorch-examples': ('0003fcdc606a79951e53bf8f46f8574fa4739f23', 'MIT'),
    'MorvanZhou/PyTorch-Tutorial': ('dbe154a9e56635e51c6b0c2ccea8ae36cfb585a7', 'MIT'),
    'L1aoXingyu/pytorch-beginner': ('a57dd7ea35c9965a41f4963dee62d38884f92a65', 'none stated'),
    'eriklindernoren/PyTorch-GAN': ('36d3c77e5ff20ebe0aeefd322326a134a279b93e', 'MIT'),
}

def program(repo, path, edits=(), data=None, files=(), note=''):
    "One program of the survey: where it is, and the edits (old, new) that cut it to CPU seconds"
    return dict(repo=repo, path=path, edits=list(edits), data=data, files=list(files), note=note)

G, H, J, M, L, E = (r for r in REPOS)
PROGRAMS = [
    program(G, '1-1.NNLM/NNLM.py'),
    program(G, '1-2.Word2Vec/Word2Vec-Skipgram(Softmax).py'),
    program(G, '2-1.TextCNN/TextCNN.py'),
    program(G, '3-1.TextRNN/TextRNN.py'),
    program(G, '3-2.TextLSTM/TextLSTM.py'),
    program(G, '3-3.Bi-LSTM/Bi-LSTM.py', [('range(10000)', 'range(3000)')]),
    program(G, '4-1.Seq2Seq/Seq2Seq.py', [('range(5000)', 'range(2000)')]),
    program(G, '4-2.Seq2Seq(Attention)/Seq2Seq(Attention).py', [('range(2000)', 'range(600)'), ('% 400', '% 200')]),
    program(G, '4-3.Bi-LSTM(Attention)/Bi-LSTM(Attention).py'),
    program(G, '5-1.Transformer/Transformer.py'),
    program(G, '5-1.Transformer/Transformer(Greedy_decoder).py'),
    program(G, '5-2.BERT/BERT.py'),
    program(H, '03_auto_gradient.py'),
    program(H, '05_linear_regression.py'),
    program(H, '06_logistic_regression.py'),
    program(H, '07_diabets_logistic.py', files=['data/diabetes.csv.gz']),
    program(H, '08_2_dataset_loade_logistic.py', [('range(2)', 'range(1)')], files=['data/diabetes.csv.gz']),
    program(H, '09_01_softmax_loss.py'),
    program(H, '09_2_softmax_mnist.py', [('range(1, 10)', 'range(1, 2)')], data='mnist'),
    program(H, '10_1_cnn_mnist.py', [('range(1, 10)', 'range(1, 2)')], data='mnist'),
    program(H, '11_1_toy_inception_mnist.py', [('range(1, 10)', 'range(1, 2)')], data='mnist'),
    program(H, '12_1_rnn_basics.py'),
    program(H, '12_2_hello_rnn.py'),
    program(H, '12_3_hello_rnn_seq.py'),
    program(H, '12_4_hello_rnn_emb.py'),
    program(H, '13_4_pack_pad.py'),
    program(H, '14_1_seq2seq.py', [('N_EPOCH = 100', 'N_EPOCH = 1')], files=['seq2seq_models.py', 'text_loader.py', 'data/shakespeare.txt.gz']),
    program(J, 'tensor/two_layer_net_tensor.py'),
    program(J, 'autograd/two_layer_net_autograd.py'),
    program(J, 'autograd/two_layer_net_custom_function.py'),
    program(J, 'nn/two_layer_net_nn.py'),
    program(J, 'nn/two_layer_net_optim.py'),
    program(J, 'nn/two_layer_net_module.py'),
    program(J, 'nn/dynamic_net.py'),
    program(M, 'tutorial-contents/201_torch_numpy.py'),
    program(M, 'tutorial-contents/202_variable.py'),
    program(M, 'tutorial-contents/203_activation.py'),
    program(M, 'tutorial-contents/301_regression.py'),
    program(M, 'tutorial-contents/302_classification.py'),
    program(M, 'tutorial-contents/303_build_nn_quickly.py'),
    program(M, 'tutorial-contents/304_save_reload.py'),
    program(M, 'tutorial-contents/305_batch_train.py'),
    program(M, 'tutorial-contents/306_optimizer.py'),
    program(M, 'tutorial-contents/401_CNN.py', [('DOWNLOAD_MNIST = False', 'DOWNLOAD_MNIST = True')], data='mnist'),
    program(M, 'tutorial-contents/402_RNN_classifier.py', [('DOWNLOAD_MNIST = True', 'DOWNLOAD_MNIST = True')], data='mnist'),
    program(M, 'tutorial-contents/403_RNN_regressor.py'),
    program(M, 'tutorial-contents/404_autoencoder.py', [('EPOCH = 10', 'EPOCH = 1')], data='mnist'),
    program(M, 'tutorial-contents/406_GAN.py', [('range(10000)', 'range(2000)')]),
    program(M, 'tutorial-contents/406_conditional_GAN.py', [('range(10000)', 'range(2000)')]),
    program(M, 'tutorial-contents/501_why_torch_dynamic_graph.py'),
    program(M, 'tutorial-contents/503_dropout.py'),
    program(M, 'tutorial-contents/504_batch_normalization.py'),
    program(L, '01-Linear Regression/Linear_Regression.py'),
    program(L, '03-Neural Network/neural_network.py', [('num_epochs = 50', 'num_epochs = 1')], data='fashion'),
    program(L, '08-AutoEncoder/conv_autoencoder.py', [('num_epochs = 100', 'num_epochs = 1')], data='mnist',
            note='calls .cuda() without asking whether CUDA is there'),
    program(L, '06-Natural Language Process/N-Gram.py'),
    program(L, '06-Natural Language Process/bag-of-word.py'),
    program(L, '06-Natural Language Process/seq-lstm.py'),
    program(L, '11-backward/backward.py'),
    program(E, 'implementations/gan/gan.py', [('default=200, help="number of epochs', 'default=1, help="number of epochs')], data='mnist'),
    program(E, 'implementations/wgan_gp/wgan_gp.py', [('default=200, help="number of epochs', 'default=1, help="number of epochs')], data='mnist'),
    program(E, 'implementations/lsgan/lsgan.py', [('default=200, help="number of epochs', 'default=1, help="number of epochs')], data='mnist'),
    program(E, 'implementations/dcgan/dcgan.py', [('default=200, help="number of epochs', 'default=1, help="number of epochs')], data='mnist'),
    program(E, 'implementations/cgan/cgan.py', [('default=200, help="number of epochs', 'default=1, help="number of epochs')], data='mnist'),
]


def name_of(p):
    "A file name for the program: its repository and its path"
    return re.sub(r'[^A-Za-z0-9_.-]+', '_', p['repo'].split('/')[1] + '__' + p['path'])


def git_show(mirror, repo, commit, path):
    "The file at `path` in `repo`, from a bare copy (DIR/owner+name/repo) or a checkout (DIR/owner/name)"
    for gitdir in (Path(mirror) / repo.replace('/', '+') / 'repo', Path(mirror) / repo):
        if gitdir.exists():
            for rev in (commit, 'HEAD'):
                done = subprocess.run(['git', '--git-dir' if gitdir.name == 'repo' else '-C', str(gitdir), 'show',
                                       f'{rev}:{path}'], capture_output=True)
                if done.returncode == 0: return done.stdout
    raise FileNotFoundError(f"{repo}:{path} is not in {mirror}")


def gather(mirror, out):
    out = Path(out); out.mkdir(parents=True, exist_ok=True)
    manifest = []
    for p in PROGRAMS:
        commit, licence = REPOS[p['repo']]
        source = git_show(mirror, p['repo'], commit, p['path']).decode()
        for old, new in p['edits']:
            if old not in source: raise ValueError(f"{p['path']}: the edit {old!r} matches nothing")
            source = source.replace(old, new)
        name = name_of(p)
        if p['note']: source = f"# {p['note']}\n" + source
        (out / name).write_text(source)
        extra = out / (name + '.files'); extra.mkdir(exist_ok=True)
        for f in p['files']:
            (extra / f).parent.mkdir(parents=True, exist_ok=True)
            (extra / f).write_bytes(git_show(mirror, p['repo'], commit, f))
        manifest.append(dict(p, name=name, commit=commit, licence=licence))
    (out / 'survey.json').write_text(json.dumps(manifest, indent=1))
    print(f"{len(manifest)} programs from {len({p['repo'] for p in manifest})} repositories in {out}")


def with_maxine_imports(source):
    "The program with its imports of torch (and torchvision) changed to maxine's, and nothing else"
    def change(line):
        if re.fullmatch(r'\s*import torch\s*(#.*)?', line): return line.replace('import torch', 'import maxine as torch', 1)
        if re.fullmatch(r'\s*import torchvision\s*(#.*)?', line): return line.replace('import torchvision', 'import maxine.vision as torchvision', 1)
        if re.match(r'\s*(import|from) torchvision\b', line): return re.sub(r'\btorchvision\b', 'maxine.vision', line, count=1)
        if re.match(r'\s*(import|from) torch\b', line): return re.sub(r'\btorch\b(?=[.\s])', 'maxine', line, count=1)
        return line
    return '\n'.join(change(line) for line in source.split('\n'))


MNIST_FILES = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']
DATASETS = {'mnist': ('MNIST', 'MAXINE_DATA'), 'fashion': ('FashionMNIST', 'FASHION_MNIST')}   # torchvision's folder, where the files are

def prepare(folder, entry, workdir, rewrite):
    "A fresh folder with the program's files (their imports changed too, for maxine), and MNIST where torchvision looks"
    shutil.copytree(folder / (entry['name'] + '.files'), workdir, dirs_exist_ok=True)
    if rewrite:
        for module in workdir.glob('*.py'): module.write_text(with_maxine_imports(module.read_text()))
    if entry['data'] in DATASETS:
        subfolder, variable = DATASETS[entry['data']]
        files = os.environ.get(variable)
        if not files: return f"needs {subfolder} (set {variable} to a folder with its four .gz files)"
        source = (folder / entry['name']).read_text()
        roots = set(re.findall(r"""['"]([./A-Za-z0-9_-]*(?:data|mnist)[./A-Za-z0-9_-]*)['"]""", source, re.I)) | {'data', 'mnist'}
        for root in roots:
            raw = (workdir / root).resolve() / subfolder / 'raw'
            if not str(raw).startswith(str(workdir.resolve().parents[2])): continue     # stay inside the run's folder
            raw.mkdir(parents=True, exist_ok=True)
            for f in MNIST_FILES:
                if not (raw / f).exists(): (raw / f).write_bytes(gzip.decompress((Path(files) / (f + '.gz')).read_bytes()))
    return None


def run_one(python, source, workdir, timeout):
    path = workdir / 'program.py'
    path.write_text(source)
    env = dict(os.environ, MPLBACKEND='Agg', PYTHONHASHSEED='0')
    start = time.time()
    try: done = subprocess.run([python, str(path)], cwd=workdir, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired: return dict(ok=False, error=f'timed out after {timeout} s', numbers=[], seconds=timeout)
    error = '' if done.returncode == 0 else (done.stderr.strip().splitlines() or ['exit %d' % done.returncode])[-1]
    numbers = [float(x) for x in re.findall(r'[-+]?\d*\.\d+(?:[eE][-+]?\d+)?|[-+]?\d+[eE][-+]?\d+', done.stdout)]
    return dict(ok=done.returncode == 0, error=error[:160], numbers=numbers, seconds=round(time.time() - start, 1),
                stderr=done.stderr[-4000:])


def compare(theirs, ours):
    "How the two runs compare: both ran and printed the same numbers (or close ones), or where maxine stopped"
    if not theirs['ok']: return 'PyTorch fails'
    if not ours['ok']: return 'maxine fails'
    a, b = theirs['numbers'], ours['numbers']
    if not a: return 'both run'
    if len(a) == len(b) and all(math.isclose(x, y, rel_tol=1e-4, abs_tol=1e-6) for x, y in zip(a, b)): return 'same numbers'
    if b and math.isclose(a[-1], b[-1], rel_tol=0.25, abs_tol=0.05): return 'close (last number within 25%)'
    return f'both run; last number {a[-1]:.4g} vs {b[-1]:.4g}'


def run(folder, torch_python, only=(), write=False, timeout=600):
    folder = Path(folder)
    manifest = json.loads((folder / 'survey.json').read_text())
    rows, results = [], {}
    for entry in manifest:
        if only and not any(o in entry['name'] for o in only): continue
        source = (folder / entry['name']).read_text()
        outcome = {}
        for lib, python, text in (('torch', torch_python, source), ('maxine', sys.executable, with_maxine_imports(source))):
            with tempfile.TemporaryDirectory() as tmp:
                workdir = Path(tmp) / 'a' / 'b' / 'work'; workdir.mkdir(parents=True)   # '../../data' stays inside tmp
                missing = prepare(folder, entry, workdir, rewrite=lib == 'maxine')
                outcome[lib] = dict(ok=False, error=missing, numbers=[], seconds=0) if missing else run_one(python, text, workdir, timeout)
        results[entry['name']] = outcome
        verdict = compare(outcome['torch'], outcome['maxine'])
        rows.append((entry, outcome, verdict))
        print(f"{entry['name']}: {verdict} ({outcome['torch']['seconds']} s / {outcome['maxine']['seconds']} s)"
              + ''.join(f"\n    {lib}: {outcome[lib]['error']}" for lib in ('torch', 'maxine') if not outcome[lib]['ok']),
              flush=True)
    (folder / 'results.json').write_text(json.dumps(results, indent=1))
    table = markdown_table(rows)
    print('\n' + table)
    if write: write_survey(table, rows)
    return rows


def cell(r):
    "One run, in a table cell"
    return f"runs, {r['seconds']} s" if r['ok'] else f"fails: {r['error'] or 'error'}".replace('|', '\\|')


def markdown_table(rows, before=None):
    "The table of `rows` (entry, outcome, verdict); with `before` (an earlier results.json), maxine's earlier run too"
    head = '| program | origin (commit, licence) | PyTorch | ' + ('maxine before | ' if before else '') + 'maxine | result |'
    lines = [head, '|---' * head.count(' | ') + '|---|']
    for entry, outcome, verdict in rows:
        earlier = ''
        if before:
            old = before.get(entry['name'])
            earlier = (cell(old['maxine']) if old else 'not in that survey') + ' | '
        lines.append(f"| `{entry['path']}` | {entry['repo']} ({entry['commit'][:7]}, {entry['licence']}) | "
                     f"{cell(outcome['torch'])} | {earlier}{cell(outcome['maxine'])} | {verdict} |")
    return '\n'.join(lines)


def torch_version():
    "The version of the PyTorch the programs ran under (the oracle's, from the development install)"
    from importlib.metadata import version
    return version('torch').split('+')[0]

def write_survey(table, rows, before=None):
    path = ROOT / 'tests' / 'compat' / 'SURVEY.md'
    text = path.read_text() if path.exists() else SURVEY_HEAD
    marker = '<!-- survey table -->'
    head = text.split(marker)[0] if marker in text else text
    torch_ok = [o for _, o, _ in rows if o['torch']['ok']]
    ok = sum(1 for o in torch_ok if o['maxine']['ok'])
    summary = (f"Measured {time.strftime('%Y-%m-%d')} with `python tools/compat_survey.py run`: of {len(rows)} programs, "
               f"{len(torch_ok)} run under PyTorch {torch_version()} (CPU), and {ok} of those run on maxine.")
    if before:
        old_ok = sum(1 for name, o in before.items() if o['torch']['ok'] and o['maxine']['ok'])
        old_torch = sum(1 for o in before.values() if o['torch']['ok'])
        summary += f" Before (the survey's first run, on commit 67ff77b): {old_ok} of {old_torch}."
    path.write_text(f"{head}{marker}\n{summary}\n\n{table}\n")


def report(folder, before=None):
    "Write tests/compat/SURVEY.md from the results.json a `run` left in `folder` (and an earlier one, for comparison)"
    folder = Path(folder)
    manifest = {e['name']: e for e in json.loads((folder / 'survey.json').read_text())}
    results = json.loads((folder / 'results.json').read_text())
    rows = [(manifest[name], outcome, compare(outcome['torch'], outcome['maxine'])) for name, outcome in results.items()]
    earlier = json.loads(Path(before).read_text()) if before else None
    write_survey(markdown_table(rows, earlier), rows, earlier)


SURVEY_HEAD = """# Other people's PyTorch programs on maxine

Programs from public tutorials and example collections, run twice: under PyTorch, and under maxine with only their
imports changed (`import torch` -> `import maxine as torch`, `torchvision` -> `maxine.vision`). They are not in this
repository: `tools/compat_survey.py` names each one's repository, commit and path, fetches it, and cuts it to CPU
seconds by editing its own constants (epochs, sizes). The weights start from different random numbers in the two
libraries, so a program that trains is expected to end *close*, not equal: "close" means its last printed number is
within 25% of PyTorch's. "PyTorch fails" marks programs that no longer run under today's PyTorch (they index 0-d
tensors, ask for a GPU, or do not finish in 300 s), where maxine fails the same way.

Re-run: `python tools/compat_survey.py gather --mirror DIR --out /tmp/survey`, then
`python tools/compat_survey.py run /tmp/survey --torch-python PYTHON_WITH_TORCH --write`.

"""


# --- the names a corpus uses ---------------------------------------------------------------------------------------

def used_names(sources):
    "(namespace, name) for every torch.X, nn.X, F.X, optim.X the programs use, and ('Tensor', m) for method calls"
    aliases = {'torch': 'torch', 'nn': 'torch.nn', 'F': 'torch.nn.functional', 'optim': 'torch.optim'}
    found = set()
    for source in sources:
        try: tree = ast.parse(source)
        except SyntaxError: continue
        local = dict(aliases)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    if a.name.startswith('torch'): local[a.asname or a.name.split('.')[0]] = a.name if a.asname else 'torch'
            elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith('torch'):
                for a in node.names: found.add((node.module, a.name))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute):
                chain, base = [node.attr], node.value
                while isinstance(base, ast.Attribute): chain.insert(0, base.attr); base = base.value
                if isinstance(base, ast.Name) and base.id in local:
                    namespace = local[base.id]
                    for part in chain[:-1]: namespace += '.' + part
                    found.add((namespace, chain[-1]))
                elif isinstance(node.ctx, ast.Load): found.add(('Tensor', node.attr))
    return found


def resolve(root, dotted):
    obj = root
    for part in dotted.split('.')[1:]:
        obj = getattr(obj, part, None)
        if obj is None: return None
    return obj


def names(folder):
    import maxine
    import torch
    sources = [p.read_text() for p in sorted(Path(folder).glob('*.py'))]
    used = used_names(sources)
    rows, have, total = [], 0, 0
    for namespace, name in sorted(used):
        if namespace == 'Tensor':
            if not hasattr(torch.Tensor, name): continue             # an attribute of something else
            theirs, ours = True, hasattr(maxine.Tensor, name)
        else:
            t = resolve(torch, namespace)
            if t is None or not hasattr(t, name): continue
            m = resolve(maxine, 'maxine' + namespace[len('torch'):])
            ours = m is not None and hasattr(m, name)
        total += 1; have += ours
        if not ours: rows.append(f"{namespace}.{name}")
    print(f"{have} of {total} names the programs use are in maxine")
    if rows: print('missing: ' + ', '.join(rows))
    return have, total, rows


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest='command', required=True)
    g = sub.add_parser('gather'); g.add_argument('--mirror', required=True); g.add_argument('--out', required=True)
    r = sub.add_parser('run'); r.add_argument('folder'); r.add_argument('--torch-python', default=sys.executable)
    r.add_argument('--only', nargs='*', default=()); r.add_argument('--write', action='store_true')
    r.add_argument('--timeout', type=int, default=600)
    n = sub.add_parser('names'); n.add_argument('folder')
    w = sub.add_parser('report'); w.add_argument('folder'); w.add_argument('--before')
    args = parser.parse_args()
    if args.command == 'gather': gather(args.mirror, args.out)
    elif args.command == 'run': run(args.folder, args.torch_python, args.only, args.write, args.timeout)
    elif args.command == 'report': report(args.folder, args.before)
    else: names(args.folder)
