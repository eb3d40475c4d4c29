"A WGAN-GP critic step: the gradient penalty needs the gradient of a gradient (create_graph=True)."
import json
import torch
import torch.nn as nn
from torch import autograd

critic = nn.Sequential(nn.Linear(3, 8), nn.LeakyReLU(0.2), nn.Linear(8, 1))
with torch.no_grad():
    for i, p in enumerate(critic.parameters()):
        p.copy_(torch.sin(torch.arange(p.numel(), dtype=torch.float32) + i).view(p.shape) * 0.5)
opt = torch.optim.Adam(critic.parameters(), lr=1e-2, betas=(0.5, 0.9))
real = torch.linspace(-1, 1, 12).view(4, 3)
fake = torch.linspace(1, -0.5, 12).view(4, 3)
alpha = torch.tensor([[0.1], [0.4], [0.7], [0.9]])
for step in range(5):
    interpolates = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
    scores = critic(interpolates)
    gradients = autograd.grad(outputs=scores, inputs=interpolates, grad_outputs=torch.ones(scores.size()),
                              create_graph=True, retain_graph=True, only_inputs=True)[0]
    penalty = ((gradients.view(gradients.size(0), -1).norm(2, dim=1) - 1) ** 2).mean() * 10
    loss = critic(fake).mean() - critic(real).mean() + penalty
    opt.zero_grad(); loss.backward(); opt.step()
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = (x ** 3).sum()
g, = autograd.grad(y, x, create_graph=True)
hessian_diag = [autograd.grad(g[i], x, retain_graph=True)[0][i].item() for i in range(2)]
print(json.dumps({'loss': loss.item(), 'penalty': penalty.item(), 'hessian_diag': hessian_diag}))
