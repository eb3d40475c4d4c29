"""Write nbs/93_pytorch_compatibility.ipynb: maxine beside PyTorch, name by name, from the tests.

    python tools/make_compat.py          # write the page (needs PyTorch, the tests' oracle)
    python tools/make_compat.py --check  # exit 1 if the page is out of date

For every name of `torch`, `torch.Tensor`, `torch.nn`, `torch.nn.functional`, `torch.optim`, `torch.autograd` and
`torch.utils.data` that PyTorch programs reach for (the list below), the page says whether maxine has it at the same
place, whether the tests compare it with PyTorch (the name appears in a test module that imports torch), and how it
differs where it does. It also counts every public name of those namespaces that maxine has."""
import io, json, sys, tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / 'nbs' / '93_pytorch_compatibility.ipynb'

COVERED = {
    'Tensor: state and in-place changes': ('torch.Tensor', '''add_ sub_ mul_ div_ zero_ fill_ copy_ clamp_ normal_ uniform_
        masked_fill_ index_add_ requires_grad_ clone detach detach_ retain_grad register_hook is_leaf grad_fn grad
        requires_grad tolist numpy item data shape dtype device ndim dim size numel backward __setitem__ __format__
        __index__ __iadd__ __isub__ __imul__ __itruediv__'''),
    'Elementwise': ('torch', '''sin cos tan asin acos atan atan2 sinh cosh tanh asinh acosh atanh exp exp2 expm1 log log2
        log10 log1p sqrt rsqrt reciprocal pow square abs neg sign floor ceil round trunc frac clamp clip erf erfinv
        sigmoid lerp hypot copysign fmod remainder logaddexp maximum minimum where nan_to_num'''),
    'Comparison and logic': ('torch', '''eq ne lt le gt ge isnan isinf isfinite isclose allclose equal logical_and
        logical_or logical_xor logical_not bitwise_and bitwise_or bitwise_xor bitwise_not bitwise_left_shift
        bitwise_right_shift'''),
    'Reductions': ('torch', '''sum mean prod min max amin amax argmin argmax all any std var norm logsumexp cumsum
        cumprod topk sort argsort count_nonzero softmax log_softmax'''),
    'Shape': ('torch', '''reshape flatten unflatten squeeze unsqueeze permute transpose t movedim flip roll tile
        repeat_interleave chunk split narrow unbind cat concat stack tril triu diag diagonal broadcast_to'''),
    'Shape (methods)': ('torch.Tensor', '''view view_as reshape_as expand expand_as repeat T mT unfold'''),
    'Indexing': ('torch', '''gather scatter scatter_add scatter_reduce index_select masked_fill masked_select take
        nonzero'''),
    'Linear algebra': ('torch', '''matmul mm bmm mv dot outer einsum linalg'''),
    'Creation and random numbers': ('torch', '''tensor from_numpy as_tensor zeros ones full empty zeros_like ones_like
        full_like empty_like arange linspace logspace eye rand randn randint rand_like randn_like randint_like
        randperm multinomial bernoulli normal manual_seed Generator'''),
    'dtypes and devices': ('torch', '''float double half long int short bool uint8 int8 int16 int32 int64 float16
        float32 float64 get_default_dtype set_default_dtype promote_types result_type device cuda accelerator'''),
    'dtypes and devices (methods)': ('torch.Tensor', '''float double half long int short bool type to cpu cuda'''),
    'Older constructors and settings': ('torch', '''Tensor FloatTensor DoubleTensor HalfTensor LongTensor IntTensor ShortTensor
        CharTensor ByteTensor BoolTensor Size set_default_device get_default_device preserve_format contiguous_format
        channels_last'''),
    'Grad mode and autograd': ('torch', '''no_grad enable_grad set_grad_enabled inference_mode is_grad_enabled autograd'''),
    'torch.autograd': ('torch.autograd', '''Function Variable grad backward gradcheck gradgradcheck detect_anomaly
        set_detect_anomaly functional function'''),
    'torch.autograd.functional': ('torch.autograd.functional', '''jacobian hessian vjp jvp hvp vhp'''),
    'Modules programs import': ('torch', '''cuda amp backends jit onnx distributions serialization'''),
    'torch.distributions': ('torch.distributions', '''Distribution Normal Uniform Bernoulli Categorical MultivariateNormal
        Independent kl_divergence'''),
    'nn: modules and their bookkeeping': ('torch.nn', '''Module Parameter Linear Identity Sequential ModuleList ModuleDict
        ParameterList ParameterDict Flatten Unflatten Dropout Embedding ReLU GELU SiLU Tanh Sigmoid Softmax
        LogSoftmax LeakyReLU Conv1d Conv2d MaxPool2d AvgPool2d AdaptiveAvgPool2d BatchNorm1d BatchNorm2d LayerNorm
        GroupNorm RMSNorm ZeroPad2d init utils functional Dropout2d Dropout3d ConvTranspose1d ConvTranspose2d
        Upsample UpsamplingNearest2d UpsamplingBilinear2d'''),
    'nn: sequences': ('torch.nn', '''RNN GRU LSTM RNNCell GRUCell LSTMCell MultiheadAttention Transformer TransformerEncoder
        TransformerDecoder TransformerEncoderLayer TransformerDecoderLayer'''),
    'nn.utils.rnn': ('torch.nn.utils.rnn', '''PackedSequence pack_padded_sequence pad_packed_sequence pad_sequence pack_sequence'''),
    'nn.Module methods': ('torch.nn.Module', '''register_buffer register_parameter modules named_modules children
        named_children parameters named_parameters buffers named_buffers apply requires_grad_ zero_grad train eval
        register_forward_hook register_forward_pre_hook state_dict load_state_dict to cpu float double'''),
    'nn: losses': ('torch.nn', '''MSELoss L1Loss SmoothL1Loss HuberLoss BCELoss BCEWithLogitsLoss NLLLoss
        CrossEntropyLoss KLDivLoss CosineEmbeddingLoss MarginRankingLoss'''),
    'nn.functional': ('torch.nn.functional', '''linear relu gelu silu leaky_relu elu softplus sigmoid tanh softmax
        log_softmax dropout one_hot pad embedding conv1d conv2d conv_transpose1d conv_transpose2d interpolate max_pool2d avg_pool2d adaptive_avg_pool2d batch_norm
        layer_norm group_norm mse_loss l1_loss smooth_l1_loss huber_loss binary_cross_entropy
        binary_cross_entropy_with_logits nll_loss cross_entropy kl_div cosine_embedding_loss normalize
        cosine_similarity'''),
    'optim': ('torch.optim', '''Optimizer SGD Adam AdamW RMSprop Adagrad Adadelta Adamax NAdam RAdam LBFGS lr_scheduler'''),
    'optim.lr_scheduler': ('torch.optim.lr_scheduler', '''LambdaLR MultiplicativeLR StepLR MultiStepLR ConstantLR LinearLR ExponentialLR
        PolynomialLR CosineAnnealingLR CosineAnnealingWarmRestarts OneCycleLR ChainedScheduler SequentialLR ReduceLROnPlateau'''),
    'utils.data': ('torch.utils.data', '''Dataset IterableDataset DataLoader TensorDataset Subset ConcatDataset
        random_split Sampler SequentialSampler RandomSampler SubsetRandomSampler WeightedRandomSampler BatchSampler
        default_collate get_worker_info'''),
}

DIFFERENCES = {
    ('torch', 'float'): "a NumPy dtype: `maxine.float` is `numpy.float32`, so `str(t.dtype)` is `'float32'`, not `'torch.float32'`",
    ('torch', 'device'): "only `device('cpu')` holds tensors; asking for another device is a clear error",
    ('torch', 'cuda'): "`cuda.is_available()` is False (maxine runs on the CPU, with NumPy)",
    ('torch', 'accelerator'): "`accelerator.is_available()` is False",
    ('torch', 'manual_seed'): "the same seed gives other numbers than PyTorch's (NumPy's PCG64 generator)",
    ('torch', 'Generator'): "wraps a NumPy generator (`.rng`); its streams differ from PyTorch's",
    ('torch', 'half'): "float16 arithmetic is NumPy's on the CPU: correct, but slow",
    ('torch.Tensor', 'cuda'): "raises: maxine has no CUDA device",
    ('torch.Tensor', 'dtype'): "a NumPy dtype (`t.dtype == maxine.float32` holds; `str(t.dtype)` is `'float32'`)",
    ('torch.autograd', 'grad'): "`create_graph=True` records the backward pass; the few ops whose backward is computed on arrays "
                                "(convolution, pooling, batch norm, embedding, some shape ops) refuse a second derivative clearly",
    ('torch.Tensor', 'view'): "shares memory where the memory order allows and copies where it does not: maxine keeps some results "
                              "(a convolution's output) in another order than PyTorch, so that every view PyTorch can make works",
    ('torch.nn', 'MultiheadAttention'): "at `maxine.nn` and `maxine.nn.modules.attention`, not `nn.modules.activation`",
    ('torch', 'Tensor'): "`Tensor(2, 3)` is filled with zeros (PyTorch leaves the memory unset)",
    ('torch', 'amp'): "`autocast('cuda')` and `GradScaler('cuda')` warn and do nothing, as PyTorch without CUDA; autocast on the CPU raises (no bfloat16)",
    ('torch', 'distributions'): "draws come from maxine's generator, so the numbers differ from PyTorch's for the same seed",
    ('torch.nn', 'Linear'): "also shows its weight as `w`, (in_features, out_features), and its bias as `b`: views of `weight` and `bias`",
    ('torch.nn', 'MaxPool2d'): "`ceil_mode=True` and `return_indices=True` are not supported (a clear error)",
    ('torch.nn', 'AvgPool2d'): "`ceil_mode`, `count_include_pad=False` and `divisor_override` are not supported (a clear error)",
    ('torch.nn.functional', 'max_pool2d'): "`ceil_mode=True` and `return_indices=True` are not supported (a clear error)",
    ('torch.utils.data', 'DataLoader'): "`num_workers`, `pin_memory` and the other process options are accepted; "
                                          "loading runs in the calling process. Datasets with `get_batch` are fetched a batch at a time",
    ('torch.utils.data', 'get_worker_info'): "always None: there are no worker processes",
}


def resolve(root, dotted):
    obj = root
    for part in dotted.split('.'):
        obj = getattr(obj, part, None)
        if obj is None: return None
    return obj


def maxine_place(torch_place):
    return 'maxine' + torch_place[len('torch'):]


def tested_names():
    "Every identifier and string in the test modules that compare with PyTorch"
    names = set()
    for path in sorted((ROOT / 'tests').rglob('*.py')):
        text = path.read_text()
        if 'torch' not in text: continue
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.NAME: names.add(tok.string)
            elif tok.type == tokenize.STRING: names.update(tok.string.strip('\'"').replace('.', ' ').split())
    return names


def status(torch_place, name, tested):
    import torch, maxine
    theirs = resolve(torch, torch_place[len('torch.'):] + '.' + name if torch_place != 'torch' else name)
    ours = resolve(maxine, maxine_place(torch_place)[len('maxine.'):] + '.' + name if torch_place != 'torch' else name)
    if theirs is None: return None
    if ours is None: return 'not yet'
    note = DIFFERENCES.get((torch_place, name))
    if note: return 'differs: ' + note
    return 'same' if name in tested or name.strip('_') in tested else 'same name, not compared with PyTorch by a test'


def counts():
    import torch, maxine
    import torch.nn.functional, torch.optim, maxine.nn.functional, maxine.optim
    rows = []
    for place in ['torch', 'torch.Tensor', 'torch.nn', 'torch.nn.functional', 'torch.optim']:
        theirs = resolve(torch, place[len('torch.'):]) if place != 'torch' else torch
        ours = resolve(maxine, maxine_place(place)[len('maxine.'):]) if place != 'torch' else maxine
        public = {n for n in dir(theirs) if not n.startswith('_')}
        rows.append((place, len(public), len(public & set(dir(ours)))))
    return rows


def markdown_cell(text): return {'cell_type': 'markdown', 'metadata': {}, 'source': text}


def render():
    import torch
    tested = tested_names()
    cells = [markdown_cell(
        "# PyTorch compatibility\n\n> Which of PyTorch's names maxine has, and how each one differs where it does: generated from "
        "the tests by `python tools/make_compat.py`.\n\n"
        f"Compared with PyTorch {torch.__version__.split('+')[0]}. A program written for PyTorch's CPU API should run on "
        "maxine with its imports changed (`import maxine as torch`, `import maxine.nn as nn`, `from maxine.utils.data "
        "import DataLoader`); `tests/compat/` runs such programs under both and compares what they print. "
        "*same* means maxine has the name at the same place and a test compares it with PyTorch (the name appears in a "
        "test module that imports PyTorch); *differs* says how; *not yet* means maxine does not have it.")]
    rows = '\n'.join(f"| `{place}` | {n} | {m} |" for place, n, m in counts())
    cells.append(markdown_cell("## Every public name\n\n| namespace | PyTorch's public names | also in maxine |\n"
                               "|---|---:|---:|\n" + rows))
    for title, (place, names) in COVERED.items():
        lines = [f"## {title}\n", f"| `{place}.` | maxine |", "|---|---|"]
        for name in names.split():
            s = status(place, name, tested)
            if s is None: continue
            lines.append(f"| `{name}` | {s} |")
        cells.append(markdown_cell('\n'.join(lines)))
    nb = {'cells': cells, 'metadata': {'kernelspec': {'display_name': 'python3', 'language': 'python', 'name': 'python3'}},
          'nbformat': 4, 'nbformat_minor': 5}
    for i, c in enumerate(nb['cells']): c['id'] = f"compat{i:03d}"
    return json.dumps(nb, indent=1, ensure_ascii=False) + '\n'


def main(check=False):
    text = render()
    if check:                                   # compare what the cells say (nbdev-clean may reformat the file)
        cells = lambda nb: [(c['cell_type'], ''.join(c['source'])) for c in nb['cells']]
        if not PAGE.exists() or cells(json.loads(PAGE.read_text())) != cells(json.loads(text)):
            print(f"{PAGE.relative_to(ROOT)} is out of date: run python tools/make_compat.py")
            return 1
        return 0
    PAGE.write_text(text)
    return 0


if __name__ == '__main__':
    sys.exit(main(check='--check' in sys.argv))
