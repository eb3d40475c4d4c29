"Curve fitting with L-BFGS and its closure, as scientific PyTorch code does."
import json
import torch

xs = torch.linspace(0, 2, 30, dtype=torch.float64)
ys = 1.5 * torch.exp(-0.8 * xs) + 0.3
params = torch.tensor([1.0, -0.1, 0.0], dtype=torch.float64, requires_grad=True)
opt = torch.optim.LBFGS([params], lr=1, max_iter=30, history_size=10, line_search_fn='strong_wolfe')

def closure():
    opt.zero_grad()
    a, b, c = params
    loss = ((a * torch.exp(b * xs) + c - ys) ** 2).mean()
    loss.backward()
    return loss

losses = [opt.step(closure).item() for _ in range(3)]
print(json.dumps({'params': [round(v, 6) for v in params.tolist()], 'first_loss': losses[0]}))
