"""Every argument maxine accepts is honoured or refused: a walk over the source of every public function, method and
class of maxine, failing on a parameter that the body never reads. The few that have nothing to do in maxine (no GPU,
no worker processes) are listed below, each with the reason it is honoured by doing nothing."""
import ast, importlib, inspect, pkgutil, textwrap, types

import maxine

NOTHING_TO_DO = {
    # no GPU, no accelerator: what these ask for cannot happen, and PyTorch without CUDA does the same
    'maxine.cuda.manual_seed': {'seed': 'no GPU generator to seed'},
    'maxine.cuda.manual_seed_all': {'seed': 'no GPU generator to seed'},
    'maxine.cuda.synchronize': {'device': 'no GPU work to wait for'},
    'maxine.cuda.get_device_name': {'device': 'raises: there is no GPU'},
    'maxine.cuda.is_bf16_supported': {'including_emulation': 'no GPU either way'},
    'maxine.amp.is_autocast_available': {'device_type': 'no autocast on any device'},
    'maxine.amp.autocast.__init__': {'cache_enabled': 'there is no cast cache: nothing is cast'},
    'maxine.tensor.accelerator.current_accelerator': {'check_available': 'None either way'},
    'maxine.nn.modules.module.Module.cuda': {'device': 'raises: there is no GPU'},
    'maxine.jit.save': {'m': 'raises: no TorchScript', 'f': 'raises: no TorchScript'},
    'maxine.jit.load': {'f': 'raises: no TorchScript', 'map_location': 'raises: no TorchScript'},
    'maxine.onnx.export': {n: 'raises: no ONNX exporter' for n in ('model', 'args', 'f', 'more', 'kwargs')},
    'maxine.jit.script': {'optimize': 'nothing is compiled', 'example_inputs': 'nothing is compiled'},
    'maxine.jit.trace': {'example_inputs': 'nothing is traced', 'args': 'nothing is traced', 'kwargs': 'nothing is traced'},
    'maxine.jit.unused': {'kwargs': "TorchScript's options: nothing is compiled"},
    'maxine.jit.annotate': {'the_type': 'a type hint for a compiler maxine does not have'},
    # choices of implementation whose results PyTorch guarantees are the same; maxine has one implementation
    **{f'maxine.optim.{o}.__init__': {'foreach': 'one implementation, the same numbers'}
       for o in ('Adadelta', 'Adagrad', 'Adam', 'AdamW', 'Adamax', 'NAdam', 'RAdam', 'RMSprop', 'SGD')},
    'maxine.nn.utils.clip_grad_norm_': {'foreach': 'one implementation, the same numbers'},
    'maxine.nn.utils.clip_grad_value_': {'foreach': 'one implementation, the same numbers'},
    'maxine.nn.modules.transformer.TransformerEncoder.__init__': {'enable_nested_tensor': 'a faster form, the same numbers',
                                                                   'mask_check': 'a faster form, the same numbers'},
    'maxine.autograd.functional.jacobian': {'vectorize': 'vmap is a faster form, the same numbers'},
    'maxine.autograd.functional.hessian': {'vectorize': 'vmap is a faster form, the same numbers'},
    'maxine.autograd.gradcheck': {'nondet_tol': 'backward is deterministic: any tolerance holds',
                                  'check_undefined_grad': 'the engine gives zeros for undefined gradients: the check holds by construction',
                                  'fast_mode': 'the full check is made, which the fast one approximates'},
    'maxine.autograd.gradgradcheck': {'nondet_tol': 'as gradcheck', 'check_undefined_grad': 'as gradcheck', 'fast_mode': 'as gradcheck'},
    'maxine.pointwise.copy_': {'non_blocking': 'copies on the CPU are synchronous'},
    'maxine.tensor._type': {'non_blocking': 'casts on the CPU are synchronous'},
    'maxine.reduction.sort': {'stable': 'maxine always sorts stably, which satisfies both'},
    'maxine.reduction.argsort': {'stable': 'maxine always sorts stably'},
    'maxine.reduction.topk': {'sorted': 'maxine always returns them sorted, which satisfies both'},
    # PyTorch's own signatures that read nothing
    'maxine.nn.modules.linear.Identity.__init__': {'args': "PyTorch's Identity is argument-insensitive", 'kwargs': 'likewise'},
    'maxine.utils.data.Sampler.__init__': {'data_source': 'PyTorch ignores it too (deprecated)'},
    'maxine.nn.modules.module.Module.forward': {'args': 'raises: a subclass defines forward', 'kwargs': 'likewise'},
    'maxine.tensor.Function.forward': {'args': 'raises: a subclass defines forward', 'kwargs': 'likewise'},
    'maxine.tensor.Function.backward': {'grads': 'raises: a subclass defines backward'},
    'maxine.tensor.OnceDifferentiable.backward': {'grads': 'raises by design'},
    'maxine.optim.Optimizer.update': {n: 'a subclass defines the update' for n in ('param', 'grad', 'state', 'group')},
    'maxine.distributions.Distribution.rsample': {'sample_shape': 'raises: a subclass defines rsample'},
    'maxine.reduction.ExtremeAlong.backward': {'grad_indices': 'indices have no gradient'},
    'maxine.reduction.Reorder.backward': {'grad_indices': 'indices have no gradient'},
    'maxine.cuda._gpu_tensor_class.<locals>.make': {'args': 'raises: no GPU', 'kwargs': 'raises: no GPU'},
    'maxine.jit.ignore': {'kwargs': "TorchScript's options: nothing is compiled"},
    'maxine.optim.SGD.__init__': {'foreach': 'one implementation, the same numbers', 'fused': 'one implementation, the same numbers'},
    'maxine.optim.Adagrad.__init__': {'foreach': 'one implementation, the same numbers', 'fused': 'one implementation, the same numbers'},
    'maxine.distributed.init_process_group': {'init_method': 'MPI starts and connects the processes (the rendezvous PyTorch needs it for)',
                                               'timeout': 'MPI collectives wait without a timeout; a failed rank ends the job instead',
                                               'group_name': 'there is one group, every rank'},
    'maxine.nn.parallel.DistributedDataParallel.__init__': {
        'dim': 'PyTorch splits inputs along dim between the devices of one process; maxine has one per process',
        'check_reduction': 'deprecated and ignored in PyTorch too', 'gradient_as_bucket_view': 'a memory saving; the same gradients',
        'static_graph': 'an optimization hint; the same results'},
    'maxine.nn.parallel.DataParallel.__init__': {'dim': 'the dimension to split along between GPUs: there are none'},
    'maxine.utils.data.DataLoader.__init__': {'in_order': 'loading in the calling process is always in order',
                                             'pin_memory_device': "deprecated in PyTorch; there is no accelerator to pin for"},
}


def public_callables():
    "(qualified name, function) for every public function, and every method of every public class, of maxine"
    seen, modules = set(), [maxine]
    for info in pkgutil.walk_packages(maxine.__path__, 'maxine.'):
        if not info.name.endswith('_modidx'): modules.append(importlib.import_module(info.name))
    def visit(name, f):
        if isinstance(f, types.FunctionType) and f.__module__.startswith('maxine') and id(f) not in seen:
            seen.add(id(f))
            f = inspect.unwrap(f)
            return [(f"{f.__module__}.{f.__qualname__}", f)]
        return []
    found = []
    for m in modules:
        for name in getattr(m, '__all__', [n for n in dir(m) if not n.startswith('_')]):
            obj = getattr(m, name, None)
            if isinstance(obj, type) and obj.__module__.startswith('maxine') and id(obj) not in seen:
                seen.add(id(obj))
                for k, v in vars(obj).items():
                    if k.startswith('_') and k not in ('__init__', '__call__', '__new__'): continue
                    found += visit(f'{obj.__module__}.{obj.__qualname__}.{k}', v.__func__ if isinstance(v, (staticmethod, classmethod)) else v)
            else: found += visit(f'{getattr(obj, "__module__", m.__name__)}.{name}', obj)
    for k, v in vars(maxine.Tensor).items(): found += visit(f'maxine.tensor.Tensor.{k}', v)
    return found


def unread_parameters(fn):
    "The parameters of `fn` that its body never reads"
    tree = ast.parse(textwrap.dedent(inspect.getsource(fn))).body[0]
    a = tree.args
    names = [x.arg for x in a.posonlyargs + a.args + a.kwonlyargs] + [x.arg for x in (a.vararg, a.kwarg) if x]
    read = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    return [n for n in names if n not in read and n not in ('self', 'cls', 'ctx') and not n.startswith('_')]


def test_every_accepted_argument_is_used():
    problems = []
    for name, fn in public_callables():
        try: unread = unread_parameters(fn)
        except (OSError, TypeError, SyntaxError, IndexError): continue
        allowed = NOTHING_TO_DO.get(name, {})
        problems += [f"{name}({p})" for p in unread if p not in allowed]
    assert not problems, "accepted and ignored: " + ', '.join(problems)


def test_the_walk_finds_what_it_should():
    "The walk reaches functions, methods and Tensor methods (a check on the check)"
    names = {name for name, _ in public_callables()}
    assert {'maxine.creation.zeros', 'maxine.optim.SGD.__init__', 'maxine.tensor._backward',
            'maxine.nn.modules.loss.binary_cross_entropy'} <= names
    def ignores(x, y=1): return x
    assert unread_parameters(ignores) == ['y']
