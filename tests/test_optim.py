"maxine.optim beside torch.optim: the same parameter trajectory over 50 steps to 1e-6 in float64."
import numpy as np
import pytest
import torch

import maxine
from maxine import tensor, optim, nn
from maxine.optim import lr_scheduler

STEPS = 50


def problem(seed=0):
    "Data and starting weights of a small tanh network, as NumPy arrays (float64)"
    r = np.random.default_rng(seed)
    return dict(x=r.standard_normal((16, 5)), y=r.standard_normal((16, 2)),
                w1=r.standard_normal((5, 8)) * 0.5, b1=r.standard_normal(8) * 0.1, w2=r.standard_normal((8, 2)) * 0.5)


def loss_of(lib, x, y, w1, b1, w2):
    h = (x @ w1 + b1).tanh()
    d = h @ w2 - y
    return (d * d).mean()


def trajectories(make_opt, make_sched=None, clip=None, steps=STEPS, groups=False):
    "Parameters after every step, for maxine and for torch, optimizing the same problem from the same start"
    data = problem()
    out = {}
    for lib in ('maxine', 'torch'):
        mk = (lambda a, g=True: tensor(a, requires_grad=g)) if lib == 'maxine' else (lambda a, g=True: torch.tensor(a, requires_grad=g))
        x, y = mk(data['x'], False), mk(data['y'], False)
        params = [mk(data[k]) for k in ('w1', 'b1', 'w2')]
        mod = optim if lib == 'maxine' else torch.optim
        param_arg = [{'params': params[:2]}, {'params': params[2:], 'lr': 0.02}] if groups else params
        opt = make_opt(mod, param_arg)
        sched = make_sched(lr_scheduler if lib == 'maxine' else torch.optim.lr_scheduler, opt) if make_sched else None
        history = []
        for _ in range(steps):
            opt.zero_grad()
            loss_of(lib, x, y, *params).backward()
            if clip:
                (nn.utils.clip_grad_norm_ if lib == 'maxine' else torch.nn.utils.clip_grad_norm_)(params, clip)
            opt.step()
            if sched: sched.step()
            history.append([np.array(p.detach().numpy() if lib == 'torch' else p.detach().numpy()) for p in params])
        out[lib] = history
    return out['maxine'], out['torch']


def assert_same_trajectory(ours, theirs):
    for step, (a, b) in enumerate(zip(ours, theirs)):
        for i, (pa, pb) in enumerate(zip(a, b)):
            np.testing.assert_allclose(pa, pb, atol=1e-6, rtol=1e-6, err_msg=f"step {step + 1}, parameter {i}")
    assert not np.allclose(ours[0][0], ours[-1][0])      # the parameters did move


optimizers = {
    'sgd': lambda m, p: m.SGD(p, lr=0.1),
    'sgd_momentum': lambda m, p: m.SGD(p, lr=0.05, momentum=0.9),
    'sgd_dampening_wd': lambda m, p: m.SGD(p, lr=0.05, momentum=0.9, dampening=0.3, weight_decay=0.01),
    'sgd_nesterov_wd': lambda m, p: m.SGD(p, lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.05),
    'sgd_maximize': lambda m, p: m.SGD(p, lr=0.01, maximize=True),
    'adam': lambda m, p: m.Adam(p, lr=0.01),
    'adam_wd_amsgrad': lambda m, p: m.Adam(p, lr=0.02, betas=(0.8, 0.99), weight_decay=0.1, amsgrad=True),
    'adamw': lambda m, p: m.AdamW(p, lr=0.01),
    'adamw_amsgrad': lambda m, p: m.AdamW(p, lr=0.01, weight_decay=0.1, amsgrad=True),
    'rmsprop': lambda m, p: m.RMSprop(p, lr=0.01),
    'rmsprop_centered_momentum_wd': lambda m, p: m.RMSprop(p, lr=0.005, alpha=0.9, momentum=0.5, centered=True, weight_decay=0.01),
    'adagrad': lambda m, p: m.Adagrad(p, lr=0.1),
    'adagrad_decay_wd': lambda m, p: m.Adagrad(p, lr=0.1, lr_decay=0.01, weight_decay=0.01, initial_accumulator_value=0.1),
    'adam_as_written': lambda m, p: m.Adam(p, lr=0.01, as_written=True) if m is optim else m.Adam(p, lr=0.01),
    'adamw_as_written': lambda m, p: m.AdamW(p, lr=0.01, weight_decay=0.1, as_written=True) if m is optim else m.AdamW(p, lr=0.01, weight_decay=0.1),
    'adam_maximize': lambda m, p: m.Adam(p, lr=0.01, maximize=True),
    'adadelta': lambda m, p: m.Adadelta(p, lr=1.0),
    'adadelta_rho_wd': lambda m, p: m.Adadelta(p, lr=0.5, rho=0.8, eps=1e-5, weight_decay=0.01),
    'adamax': lambda m, p: m.Adamax(p, lr=0.02),
    'adamax_wd': lambda m, p: m.Adamax(p, lr=0.02, betas=(0.8, 0.99), weight_decay=0.05),
    'nadam': lambda m, p: m.NAdam(p, lr=0.01),
    'nadam_decoupled': lambda m, p: m.NAdam(p, lr=0.01, weight_decay=0.05, momentum_decay=0.005, decoupled_weight_decay=True),
    'radam': lambda m, p: m.RAdam(p, lr=0.01),
    'radam_decoupled': lambda m, p: m.RAdam(p, lr=0.01, weight_decay=0.05, decoupled_weight_decay=True),
}

@pytest.mark.parametrize('name', optimizers)
def test_optimizer_trajectory_matches_torch(name):
    assert_same_trajectory(*trajectories(optimizers[name]))


@pytest.mark.parametrize('name', ['sgd_momentum', 'adam'])
def test_param_groups_trajectory(name):
    assert_same_trajectory(*trajectories(optimizers[name], groups=True))


schedulers = {
    'step': (optimizers['sgd_momentum'], lambda m, o: m.StepLR(o, step_size=10, gamma=0.5)),
    'exponential': (optimizers['adam'], lambda m, o: m.ExponentialLR(o, gamma=0.95)),
    'cosine': (optimizers['sgd_nesterov_wd'], lambda m, o: m.CosineAnnealingLR(o, T_max=20, eta_min=0.001)),
    'lambda': (optimizers['adamw'], lambda m, o: m.LambdaLR(o, lambda s: 1 / (1 + 0.1 * s))),
    'onecycle_sgd': (optimizers['sgd_momentum'], lambda m, o: m.OneCycleLR(o, max_lr=0.2, total_steps=STEPS)),
    'onecycle_adam_linear': (optimizers['adam'], lambda m, o: m.OneCycleLR(o, max_lr=0.05, epochs=5, steps_per_epoch=10, anneal_strategy='linear')),
    'onecycle_three_phase': (optimizers['adamw'], lambda m, o: m.OneCycleLR(o, max_lr=0.05, total_steps=STEPS, three_phase=True, pct_start=0.25)),
    'multistep': (optimizers['sgd_momentum'], lambda m, o: m.MultiStepLR(o, milestones=[10, 25, 40], gamma=0.3)),
    'constant': (optimizers['adam'], lambda m, o: m.ConstantLR(o, factor=0.25, total_iters=12)),
    'linear': (optimizers['adam'], lambda m, o: m.LinearLR(o, start_factor=0.1, end_factor=1.0, total_iters=20)),
    'polynomial': (optimizers['sgd_momentum'], lambda m, o: m.PolynomialLR(o, total_iters=40, power=2.0)),
    'cosine_restarts': (optimizers['sgd_momentum'], lambda m, o: m.CosineAnnealingWarmRestarts(o, T_0=8, T_mult=2, eta_min=0.001)),
    'sequential': (optimizers['adamw'], lambda m, o: m.SequentialLR(o, [m.LinearLR(o, start_factor=0.1, total_iters=10),
                                                                         m.CosineAnnealingLR(o, T_max=40)], milestones=[10])),
}

@pytest.mark.parametrize('name', schedulers)
def test_scheduler_trajectory_matches_torch(name):
    make_opt, make_sched = schedulers[name]
    assert_same_trajectory(*trajectories(make_opt, make_sched))


@pytest.mark.parametrize('name', ['step', 'onecycle_sgd', 'cosine', 'multistep', 'constant', 'linear', 'polynomial',
                                  'cosine_restarts', 'sequential'])
def test_scheduler_learning_rates_match_torch(name):
    make_opt, make_sched = schedulers[name]
    lrs = {}
    for lib, mod, sched_mod in [('maxine', optim, lr_scheduler), ('torch', torch.optim, torch.optim.lr_scheduler)]:
        p = tensor([1.], requires_grad=True) if lib == 'maxine' else torch.tensor([1.], requires_grad=True)
        opt = make_opt(mod, [p]); sched = make_sched(sched_mod, opt); out = []
        for _ in range(STEPS - 1):
            opt.step(); sched.step(); out.append(sched.get_last_lr()[0])
        lrs[lib] = out
    np.testing.assert_allclose(lrs['maxine'], lrs['torch'], rtol=1e-9, atol=1e-12)


def test_clip_grad_norm_trajectory_and_value():
    assert_same_trajectory(*trajectories(optimizers['sgd'], clip=0.5))
    g = np.random.default_rng(0).standard_normal((3, 4))
    for norm_type in (2.0, 1.0, float('inf')):
        p, t = tensor(np.zeros((3, 4)), requires_grad=True), torch.zeros(3, 4, dtype=torch.float64, requires_grad=True)
        p.grad, t.grad = tensor(g.copy()), torch.tensor(g.copy())
        ours = nn.utils.clip_grad_norm_([p], 0.7, norm_type)
        theirs = torch.nn.utils.clip_grad_norm_([t], 0.7, norm_type)
        assert ours.item() == pytest.approx(theirs.item())
        np.testing.assert_allclose(p.grad.detach().numpy(), t.grad.numpy(), rtol=1e-10)


def test_updates_are_in_place():
    p = tensor(np.ones(3), requires_grad=True)
    array = p.detach().numpy()
    for opt in (optim.SGD([p], lr=0.1, momentum=0.9), optim.Adam([p]), optim.RMSprop([p], centered=True)):
        (p * p).sum().backward(); opt.step(); p.grad = None
    assert p.detach().numpy() is array and not (array == 1).all()


def test_state_dict_resume_gives_same_trajectory():
    full, _ = trajectories(optimizers['adam_wd_amsgrad'], steps=10)
    data = problem()
    params = [tensor(data[k], requires_grad=True) for k in ('w1', 'b1', 'w2')]
    x, y = tensor(data['x']), tensor(data['y'])
    opt = optimizers['adam_wd_amsgrad'](optim, params)
    for step in range(10):
        if step == 5:                                   # save, rebuild everything, load, go on
            saved_params, saved_opt = [p.detach().numpy().copy() for p in params], opt.state_dict()
            params = [tensor(a, requires_grad=True) for a in saved_params]
            opt = optimizers['adam_wd_amsgrad'](optim, params)
            opt.load_state_dict(saved_opt)
        opt.zero_grad(); loss_of('maxine', x, y, *params).backward(); opt.step()
    for a, b in zip(params, full[-1]): np.testing.assert_array_equal(a.detach().numpy(), b)


def test_state_dict_is_a_copy_and_checks_sizes():
    p = tensor([1., 2.], requires_grad=True)
    opt = optim.SGD([p], lr=0.1, momentum=0.9)
    (p * p).sum().backward(); opt.step()
    saved = opt.state_dict()
    opt.step()
    assert not np.array_equal(saved['state'][0]['momentum_buffer'], opt.state[p]['momentum_buffer'])
    other = optim.SGD([tensor([1.], requires_grad=True), tensor([1.], requires_grad=True)], lr=0.5)
    with pytest.raises(ValueError, match=r'saved groups have \[1\] parameters, this optimizer has \[2\]'):
        other.load_state_dict(saved)
    assert other.param_groups[0]['lr'] == 0.5


def test_scheduler_state_dict_round_trip():
    p = tensor([1.], requires_grad=True)
    opt = optim.SGD([p], lr=0.1, momentum=0.9)
    sched = lr_scheduler.OneCycleLR(opt, 0.1, total_steps=20)
    for _ in range(7): opt.step(); sched.step()
    saved_sched, saved_opt = sched.state_dict(), opt.state_dict()
    opt2 = optim.SGD([tensor([1.], requires_grad=True)], lr=0.1, momentum=0.9)
    sched2 = lr_scheduler.OneCycleLR(opt2, 0.1, total_steps=20)
    opt2.load_state_dict(saved_opt); sched2.load_state_dict(saved_sched)
    for _ in range(5): opt.step(); sched.step(); opt2.step(); sched2.step()
    assert sched.get_last_lr() == sched2.get_last_lr()
    assert opt.param_groups[0]['momentum'] == opt2.param_groups[0]['momentum']


def test_zero_grad_and_errors():
    p = tensor([1., 2.], requires_grad=True)
    opt = optim.Adam([p])
    (p * p).sum().backward()
    opt.zero_grad(set_to_none=False)
    assert (p.grad.detach().numpy() == 0).all()
    opt.zero_grad()
    assert p.grad is None
    with pytest.raises(ValueError, match='empty parameter list'): optim.Adam([])
    with pytest.raises(ValueError, match='non-leaf'): optim.SGD([tensor([1.], requires_grad=True) * 2])
    optim.SGD([tensor([1.])])                                  # a frozen weight is allowed, as in PyTorch (it has no gradient)
    with pytest.raises(TypeError, match="unknown option"): optim.SGD([{'params': [p], 'momentun': 0.9}])
    with pytest.raises(ValueError, match='(?i)nesterov'): optim.SGD([p], nesterov=True)
    with pytest.raises(ValueError, match='total_steps'): lr_scheduler.OneCycleLR(optim.SGD([p]), 0.1)
    model = nn.Linear(3, 2)
    assert len(optim.SGD(model.parameters(), lr=0.1).param_groups[0]['params']) == 2


def test_reduce_lr_on_plateau_matches_torch():
    losses = [1.0, 0.9, 0.91, 0.92, 0.93, 0.8, 0.81, 0.82, 0.83, 0.84, 0.85, 0.7, 0.7, 0.7, 0.7]
    lrs = {}
    for lib, mod, sched_mod in [('maxine', optim, lr_scheduler), ('torch', torch.optim, torch.optim.lr_scheduler)]:
        p = tensor([1.], requires_grad=True) if lib == 'maxine' else torch.tensor([1.], requires_grad=True)
        opt = mod.SGD([p], lr=0.1)
        sched = sched_mod.ReduceLROnPlateau(opt, mode='min', factor=0.5, patience=2, threshold=0.01, cooldown=1, min_lr=0.01)
        out = []
        for loss in losses:
            opt.step(); sched.step(loss); out.append(opt.param_groups[0]['lr'])
        lrs[lib] = out
    np.testing.assert_allclose(lrs['maxine'], lrs['torch'], rtol=1e-12)


def test_optimizer_base_add_param_group_like_torch():
    ours, theirs = [], []
    for lib, mod, mk in [('maxine', optim, lambda a: tensor(a, requires_grad=True)), ('torch', torch.optim, lambda a: torch.tensor(a, requires_grad=True))]:
        a, b = mk(np.ones(2)), mk(np.ones(3))
        opt = mod.SGD([a], lr=0.1, momentum=0.9)
        opt.add_param_group({'params': [b], 'lr': 0.01})
        (ours if lib == 'maxine' else theirs).append([{k: v for k, v in g.items() if k != 'params'} for g in opt.param_groups])
        assert isinstance(opt, mod.Optimizer)
    for mine, torch_group in zip(ours[0], theirs[0]):          # the new group takes the defaults it does not set
        for key in ('lr', 'momentum', 'dampening', 'weight_decay', 'nesterov'): assert mine[key] == torch_group[key], key


def lbfgs_trajectory(lib, start, loss_fn, steps, **options):
    "The parameters after each LBFGS step, and the losses step returned"
    params = [lib.tensor(s, requires_grad=True) for s in start]
    opt = lib.optim.LBFGS(params, **options)
    def closure():
        opt.zero_grad()
        loss = loss_fn(lib, *params)
        loss.backward()
        return loss
    points, losses = [], []
    for _ in range(steps):
        losses.append(float(opt.step(closure)))
        points.append(np.concatenate([p.detach().numpy().reshape(-1) for p in params]))
    return np.array(points), np.array(losses), opt.state[params[0]]['func_evals']


def rosenbrock(lib, xy): return (1 - xy[0]) ** 2 + 100 * (xy[1] - xy[0] ** 2) ** 2

def small_network(lib, w1, b1, w2):
    x = lib.tensor(np.random.default_rng(0).standard_normal((16, 3)))
    y = lib.tensor(np.random.default_rng(1).standard_normal((16, 1)))
    return ((lib.tanh(x @ w1 + b1) @ w2 - y) ** 2).mean()


@pytest.mark.parametrize('line_search_fn', [None, 'strong_wolfe'])
@pytest.mark.parametrize('problem', ['rosenbrock', 'network'])
def test_lbfgs_trajectory_matches_torch(problem, line_search_fn):
    if problem == 'rosenbrock': start, fn = [np.array([-1.5, 2.0])], rosenbrock
    else: start, fn = [np.random.default_rng(2).standard_normal(s) * 0.5 for s in ((3, 4), (4,), (4, 1))], small_network
    options = dict(lr=1 if line_search_fn else 0.1, max_iter=10, history_size=5, line_search_fn=line_search_fn)
    ours, theirs = (lbfgs_trajectory(lib, start, fn, 4, **options) for lib in (maxine, torch))
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-7, atol=1e-10)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-7)
    assert ours[2] == theirs[2]


def test_lbfgs_refuses_what_it_cannot_do():
    p = maxine.tensor([1.], requires_grad=True)
    with pytest.raises(ValueError, match='strong_wolfe'): maxine.optim.LBFGS([p], line_search_fn='armijo')
    with pytest.raises(RuntimeError, match='closure'): maxine.optim.LBFGS([p]).step(None)
    with pytest.raises(ValueError, match='parameter groups'): maxine.optim.LBFGS([{'params': [p]}, {'params': [maxine.tensor([2.], requires_grad=True)]}])


SCHEDULES = {
    'StepLR': lambda S, o: S.StepLR(o, 3, 0.5), 'MultiStepLR': lambda S, o: S.MultiStepLR(o, [2, 5, 5], 0.3),
    'ConstantLR': lambda S, o: S.ConstantLR(o, 0.5, 4), 'LinearLR': lambda S, o: S.LinearLR(o, 0.2, 0.9, 6),
    'ExponentialLR': lambda S, o: S.ExponentialLR(o, 0.9), 'PolynomialLR': lambda S, o: S.PolynomialLR(o, 6, 2.),
    'CosineAnnealingLR': lambda S, o: S.CosineAnnealingLR(o, 4, 0.01), 'MultiplicativeLR': lambda S, o: S.MultiplicativeLR(o, lambda t: 0.95),
    'LambdaLR': lambda S, o: S.LambdaLR(o, lambda t: 1 / (t + 1)),
}


def scheduled_lrs(lib, makers, steps=12, by_hand_at=None):
    "The learning rate at each step with the schedulers `makers` on one optimizer (changed by hand at one step)"
    opt = lib.optim.SGD([lib.tensor([1.], requires_grad=True)], lr=0.2)
    scheds = [m(lib.optim.lr_scheduler, opt) for m in makers]
    out = []
    for step in range(steps):
        opt.step()
        for s in scheds: s.step()
        if step == by_hand_at: opt.param_groups[0]['lr'] *= 10
        out.append(opt.param_groups[0]['lr'])
    return out


@pytest.mark.parametrize('name', sorted(SCHEDULES))
def test_each_scheduler_matches_torch_alone_with_another_and_after_a_change_by_hand(name):
    for makers in ([SCHEDULES[name]], [SCHEDULES[name], SCHEDULES['StepLR']], [SCHEDULES['ExponentialLR'], SCHEDULES[name]]):
        for by_hand in (None, 4):
            ours, theirs = (scheduled_lrs(lib, makers, by_hand_at=by_hand) for lib in (maxine, torch))
            np.testing.assert_allclose(ours, theirs, rtol=1e-12, err_msg=f"{name} {len(makers)} {by_hand}")


def test_two_step_schedulers_chain_as_in_torch():
    makers = [lambda S, o: S.StepLR(o, 1, 0.5)] * 2
    assert scheduled_lrs(maxine, makers, steps=1) == scheduled_lrs(torch, makers, steps=1) == [0.05]
    ours = scheduled_lrs(maxine, [lambda S, o: S.ChainedScheduler([S.LinearLR(o, 0.5, 1., 3), S.ExponentialLR(o, 0.9)])])
    theirs = scheduled_lrs(torch, [lambda S, o: S.ChainedScheduler([S.LinearLR(o, 0.5, 1., 3), S.ExponentialLR(o, 0.9)])])
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)


@pytest.mark.parametrize('name', sorted(SCHEDULES))
def test_step_with_an_epoch_jumps_there_as_in_torch(name):
    "The deprecated `step(epoch)` sets the rate from the schedule's closed form, in any order of epochs"
    import warnings
    rates = {}
    for lib in (maxine, torch):
        opt = lib.optim.SGD([lib.tensor([1.], requires_grad=True)], lr=0.2)
        sched = SCHEDULES[name](lib.optim.lr_scheduler, opt)
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            rates[lib.__name__] = [(sched.step(epoch), opt.param_groups[0]['lr'])[1] for epoch in (3, 1, 7, 2, 12, 0)]
    np.testing.assert_allclose(rates['maxine'], rates['torch'], rtol=1e-12, err_msg=name)
