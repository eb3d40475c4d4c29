"""Plant one-line bugs, one at a time, in a copy of the package, and check that the tests meant to catch each one fail.

    python tools/planted_bugs.py              # every bug; prints a table and the score
    python tools/planted_bugs.py -k sample    # only the bugs whose name contains 'sample'

Run by hand before a release (it takes a few minutes): a bug that gets through names a test that is missing or too
weak. Each bug is a small, plausible slip (an off-by-one, a sign, a forgotten factor, a check skipped) written as an
exact `old` -> `new` change to one file of `maxine/`, with the test files expected to catch it. The changes are made
in a temporary copy of the repository; the checkout is never touched. Tests run with `MAXINE_DATA` as set outside
(the MNIST checksum bug needs the MNIST files)."""
import argparse, os, shutil, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BUGS = [  # (name, file in maxine/, old, new, tests expected to catch it)
    ('attention scale', 'nn/modules/attention.py', 'scale = 1 / math.sqrt(query.shape[-1]) if scale is None',
     'scale = 1 / query.shape[-1] if scale is None', 'tests/test_sequence_layers.py'),
    ('causal mask', 'nn/modules/attention.py', 'dtype=bool_).tril()   # query i sees keys 0..i',
     'dtype=bool_).tril(1)   # query i sees keys 0..i', 'tests/test_sequence_layers.py tests/test_language_models.py'),
    ('multi-head mask sense', 'nn/modules/attention.py', 'mask = additive_mask(attn_mask, dtype, true_means_keep=False)',
     'mask = additive_mask(attn_mask, dtype, true_means_keep=True)', 'tests/test_sequence_layers.py'),
    ('padding mask dropped beside an attention mask', 'nn/modules/attention.py', 'mask = padding if mask is None else mask + padding',
     'mask = padding if mask is None else mask', 'tests/test_sequence_layers.py'),
    ('head merge', 'nn/modules/attention.py', 'attended.permute(2, 0, 1, 3).reshape(L, N, E)',
     'attended.permute(2, 0, 3, 1).reshape(L, N, E)', 'tests/test_sequence_layers.py'),
    ('GRU gate mix', 'nn/modules/rnn.py', 'return (1 - z) * n + z * h', 'return z * n + (1 - z) * h',
     'tests/test_sequence_layers.py'),
    ('LSTM forget gate', 'nn/modules/rnn.py', 'c = f * c + i * g', 'c = i * c + f * g', 'tests/test_sequence_layers.py'),
    ('MNIST checksum skipped', 'data.py', 'expected = files.content_sha256.get(name)', 'expected = None',
     'tests/test_faults.py'),
    ('no fsync', 'serialization.py', 'f.flush(); os.fsync(f.fileno())', 'f.flush()', 'tests/test_faults.py'),
    ('cosine schedule period', 'optim/lr_scheduler.py', 'cos = (1 + math.cos(math.pi * self.last_epoch / self.T_max)) / 2',
     'cos = (1 + math.cos(math.pi * self.last_epoch / (self.T_max + 1))) / 2', 'tests/test_optim.py'),
    ('StepLR factor off by one', 'optim/lr_scheduler.py', "def _factor(self, t): return self.gamma if t > 0 and t % self.step_size == 0 else 1",
     "def _factor(self, t): return self.gamma if t % self.step_size == 0 else 1", 'tests/test_optim.py'),
    ('AdamW decay without lr', 'optim/__init__.py', "if wd and group.get('decoupled_weight_decay'): param *= 1 - group['lr'] * wd",
     "if wd and group.get('decoupled_weight_decay'): param *= 1 - wd",
     'tests/test_optim.py'),
    ('Nesterov', 'optim/__init__.py', "g = g + momentum * b if group['nesterov'] else b", "g = g + b if group['nesterov'] else b",
     'tests/test_optim.py'),
    ('version counter', 'tensor.py', 't._version_counter[0] += 1\n    return t', 't._version_counter[0] += 0\n    return t',
     'tests/test_pointwise.py tests/test_saved_tensors.py tests/test_tensor.py'),
    ('__setitem__ gradient', 'indexing.py', 'def backward(ctx, grad): return SetItem.apply(grad, ctx.key, 0.), None',
     'def backward(ctx, grad): return grad, None', 'tests/test_indexing.py'),
    ('type promotion', 'tensor.py', 'if ca != cb: return a if ca > cb else b', 'if ca != cb: return a',
     'tests/test_pointwise.py tests/test_tensor.py'),
    ('drop_last', 'utils/data/__init__.py', "\n            if len(batch) < self.batch_size and self.drop_last: return",
     "\n            if len(batch) < self.batch_size and not self.drop_last: return", 'tests/test_data_torch.py tests/test_data.py'),
    ('dropout scale', 'nn/modules/dropout.py', 'keep.astype(input.dtype) / (1 - p) if p < 1', 'keep.astype(input.dtype) if p < 1',
     'tests/test_nn.py tests/test_nn_torch.py'),
    ('running variance biased', 'nn/modules/normalization.py', 'momentum * var * (count / (count - 1))', 'momentum * var',
     'tests/test_nn.py tests/test_nn_torch.py tests/test_conv.py'),
    ('label smoothing share', 'nn/modules/loss.py', 'smooth = label_smoothing / n_classes', 'smooth = label_smoothing / (n_classes - 1)',
     'tests/test_loss.py'),
    ('clip_grad_norm_ squared', 'nn/utils/__init__.py', 'scale = max_norm / (total + 1e-6)', 'scale = max_norm / (total ** 2 + 1e-6)',
     'tests/test_nn.py tests/test_nn_torch.py tests/test_optim.py'),
    ('TerminateOnNaN keeps live weights', 'learner.py', 'def _keep_weights(self): self.finite_state = self.learn.model.state_dict()',
     'def _keep_weights(self): self.finite_state = self.learn.model.state_dict(keep_vars=True)', 'tests/test_faults.py tests/test_learner.py'),
    ('validation loss unweighted', 'learner.py', "float(xp.average(self._valid, weights=w)) if self._valid",
     "float(xp.mean(self._valid)) if self._valid", 'tests/test_learner.py'),
    ('checkpoint resumes an epoch early', 'callbacks.py', "learn.epochs = range(ckpt['epoch'] + 1, learn.n_epochs)",
     "learn.epochs = range(ckpt['epoch'], learn.n_epochs)", 'tests/test_faults.py tests/test_learner.py'),
    ('TextBlocks targets not shifted', 'text.py', 'return window[:-1].copy(), window[1:].copy()',
     'return window[:-1].copy(), window[:-1].copy()', 'tests/test_text.py'),
    ('TextBlocks batch targets not shifted', 'text.py', 'xp.ascontiguousarray(windows[:, 1:])', 'xp.ascontiguousarray(windows[:, :-1])',
     'tests/test_text.py'),
    ('name contexts slide the wrong way', 'text.py', 'context = context[1:] + [ix]', 'context = [ix] + context[:-1]', 'tests/test_text.py'),
    ('RandomSampler drops the remainder', 'utils/data/__init__.py', 'rng.permutation(n)[:self.num_samples % n]',
     'rng.permutation(n)[:0]', 'tests/test_data_torch.py'),
    ('sampling multiplies by the temperature', 'language_models.py', "[:, -1, :] / temperature", "[:, -1, :] * temperature",
     'tests/test_language_models.py'),
    ('top-k keeps the least likely', 'language_models.py', '.values[:, -1:]', '.values[:, :1]', 'tests/test_language_models.py'),
    ('evaluate counts padding', 'language_models.py', 'count += int((yb._array != -1).sum())', 'count += yb.numel()',
     'tests/test_language_models.py'),
    ('warm-up starts at zero', 'language_models.py', 'if s < warmup: return (s + 1) / warmup', 'if s < warmup: return s / warmup',
     'tests/test_language_models.py'),
    ('MLP language model looks one too far', 'language_models.py', 'for _ in range(self.block_size):', 'for _ in range(self.block_size + 1):',
     'tests/test_language_models.py'),
    ('IDX size check skipped', 'data.py', 'if compressed and len(header) + expected > GZIP_MAX_RATIO * size:', 'if False:',
     'tests/test_faults.py tests/test_data.py'),
    ('Ctrl-C status', 'cli.py', 'INTERRUPTED = 130', 'INTERRUPTED = 1', 'tests/test_faults.py'),
    ('0-d tensors saved as 1-d', 'serialization.py', "xp.lib.format.write_array(member, array, allow_pickle=False)",
     "xp.lib.format.write_array(member, array.reshape(-1) if array.ndim == 0 else array, allow_pickle=False)", 'tests/test_saves.py'),
    ('ResNet block without its shortcut', 'resnet.py', 'def forward(self, x): return F.relu(self.convs(x) + self.shortcut(x))',
     'def forward(self, x): return F.relu(self.convs(x))', 'tests/test_resnet.py'),
    ('TTA counts the mirror twice', 'resnet.py', 'return as_tensor((probabilities(as_tensor(images)) + probabilities(mirrored(images, width))) / 2)',
     'return as_tensor((probabilities(mirrored(images, width)) + probabilities(mirrored(images, width))) / 2)', 'tests/test_resnet.py'),
    ('digits mirrored too', 'data.py', "if name == 'fashion-mnist': return [RandomShift(1), RandomHorizontalFlip()]",
     "if name != 'fashion-mnist': return [RandomShift(1), RandomHorizontalFlip()]", 'tests/test_data.py'),
    ('noising keeps the image whole', 'diffusion.py', 'return ab.sqrt() * x0 + (1 - ab).sqrt() * noise',
     'return x0 + (1 - ab).sqrt() * noise', 'tests/test_diffusion.py'),
    ('DDPM adds no noise back', 'diffusion.py', 'if t > 0: x = x + math.sqrt(beta) * randn(n, *shape, generator=generator)',
     'if t > 0: x = x + 0 * randn(n, *shape, generator=generator)', 'tests/test_diffusion.py'),
    ('DDIM steps to the same noise level', 'diffusion.py', 'ab_next = float(schedule.alpha_bars[times[i + 1]]) if i + 1 < len(times) else 1.',
     'ab_next = ab if i + 1 < len(times) else 1.', 'tests/test_diffusion.py'),
    ('time embedding in the wrong order', 'diffusion.py', 'return cat([angles.sin(), angles.cos()], dim=1)',
     'return cat([angles.cos(), angles.sin()], dim=1)', 'tests/test_diffusion.py'),
    ('Fréchet distance without the cross term', 'diffusion.py', '- 2 * xp.sqrt(xp.clip(cross, 0, None)).sum())',
     '- 2 * xp.sqrt(xp.clip(cross, 0, None)).mean())', 'tests/test_diffusion.py'),
]


def copy_of_repository(folder):
    "The package, its tests and its settings, copied to `folder` (not the notebooks, the virtual environment or git)"
    for name in ('maxine', 'tests', 'pyproject.toml', 'README.md', 'examples', 'tools', 'bench', 'nbs'):
        src = ROOT / name
        if src.is_dir(): shutil.copytree(src, folder / name, ignore=shutil.ignore_patterns('__pycache__', '.hypothesis'))
        elif src.exists(): shutil.copy(src, folder / name)


def run_tests(folder, tests):
    "Whether the tests fail (the bug is caught), and the first failing test's name"
    env = {**os.environ, 'PYTHONPATH': str(folder)}
    done = subprocess.run([sys.executable, '-m', 'pytest', '-x', '-q', '-p', 'no:cacheprovider', '--no-header', *tests.split()],
                          cwd=folder, env=env, capture_output=True, text=True)
    failed = [line.split(' ')[1] for line in done.stdout.splitlines() if line.startswith('FAILED ')]
    return done.returncode != 0, (failed[0].split('::')[-1] if failed else done.stdout.strip().splitlines()[-1][:60])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('-k', default='', help="run only the bugs whose name contains this")
    args = parser.parse_args(argv)
    chosen = [bug for bug in BUGS if args.k in bug[0]]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        copy_of_repository(folder)
        check = subprocess.run([sys.executable, '-c', 'import maxine; print(maxine.__file__)'], cwd=folder,
                               env={**os.environ, 'PYTHONPATH': str(folder)}, capture_output=True, text=True)
        assert check.stdout.startswith(str(folder)), f"the copy is not the maxine the tests import: {check.stdout}{check.stderr}"
        caught = 0
        print(f"| bug | file | caught | by | seconds |\n|---|---|---|---|---:|")
        for name, file, old, new, tests in chosen:
            path = folder / 'maxine' / file
            original = path.read_text()
            if original.count(old) != 1:
                print(f"| {name} | {file} | NOT PLANTED: the line was found {original.count(old)} times | | |"); continue
            path.write_text(original.replace(old, new))
            start = time.perf_counter()
            try: failed, by = run_tests(folder, tests)
            finally: path.write_text(original)
            caught += failed
            print(f"| {name} | {file} | {'yes' if failed else '**NO**'} | {by} | {time.perf_counter() - start:.0f} |", flush=True)
        print(f"\n{caught} of {len(chosen)} planted bugs caught")
    return 0 if caught == len(chosen) else 1


if __name__ == '__main__': sys.exit(main())
