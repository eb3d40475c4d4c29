"Fit a cubic to sin(x) with tensors and autograd, updating the weights in place by hand (PyTorch's tutorial)."
import json, math
import torch

dtype = torch.float
device = torch.device("cpu")
x = torch.linspace(-math.pi, math.pi, 2000, device=device, dtype=dtype)
y = torch.sin(x)

# fixed starting values instead of torch.randn, so both libraries start alike
a = torch.tensor(0.1, device=device, dtype=dtype, requires_grad=True)
b = torch.tensor(-0.2, device=device, dtype=dtype, requires_grad=True)
c = torch.tensor(0.3, device=device, dtype=dtype, requires_grad=True)
d = torch.tensor(-0.05, device=device, dtype=dtype, requires_grad=True)

learning_rate = 1e-6
for t in range(2000):
    y_pred = a + b * x + c * x ** 2 + d * x ** 3
    loss = (y_pred - y).pow(2).sum()
    if t % 500 == 99: print(t, loss.item(), file=__import__('sys').stderr)
    loss.backward()
    with torch.no_grad():
        a -= learning_rate * a.grad
        b -= learning_rate * b.grad
        c -= learning_rate * c.grad
        d -= learning_rate * d.grad
        a.grad = None
        b.grad = None
        c.grad = None
        d.grad = None

print(json.dumps({'loss': loss.item(), 'a': a.item(), 'b': b.item(), 'c': c.item(), 'd': d.item(),
                  'is_leaf': a.is_leaf, 'label': f'{b.item():.2f} x'}))
