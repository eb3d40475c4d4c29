"""PyTorch's "Learning PyTorch with Examples": the nn, optim and custom nn.Module versions, with fixed starting weights."""
import json, math
import torch

x = torch.linspace(-math.pi, math.pi, 2000)
y = torch.sin(x)
p = torch.tensor([1, 2, 3])
xx = x.unsqueeze(-1).pow(p)
out = {'xx_shape': list(xx.shape), 'xx_dtype': xx.dtype == torch.float32}

def fixed(model, value=0.05):
    with torch.no_grad():
        for i, param in enumerate(model.parameters()): param.fill_(value * (i + 1))

# nn
model = torch.nn.Sequential(torch.nn.Linear(3, 1), torch.nn.Flatten(0, 1))
fixed(model)
loss_fn = torch.nn.MSELoss(reduction='sum')
learning_rate = 1e-6
for t in range(2000):
    y_pred = model(xx)
    loss = loss_fn(y_pred, y)
    model.zero_grad()
    loss.backward()
    with torch.no_grad():
        for param in model.parameters():
            param -= learning_rate * param.grad
linear_layer = model[0]
out['nn'] = [loss.item(), linear_layer.bias.item(), linear_layer.weight[:, 0].item(), linear_layer.weight[:, 1].item()]
out['result'] = f'Result: y = {linear_layer.bias.item():.3f} + {linear_layer.weight[:, 0].item():.3f} x'

# optim
model = torch.nn.Sequential(torch.nn.Linear(3, 1), torch.nn.Flatten(0, 1))
fixed(model)
optimizer = torch.optim.RMSprop(model.parameters(), lr=1e-3)
for t in range(300):               # the tutorial's 2000 steps end oscillating about the optimum, where rounding decides
    loss = loss_fn(model(xx), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
out['optim'] = [loss.item()] + model[0].weight.detach().flatten().tolist()

# a custom nn.Module
class Polynomial3(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.a = torch.nn.Parameter(torch.tensor(0.1))
        self.b = torch.nn.Parameter(torch.tensor(-0.1))
        self.c = torch.nn.Parameter(torch.tensor(0.2))
        self.d = torch.nn.Parameter(torch.tensor(-0.2))
    def forward(self, x):
        return self.a + self.b * x + self.c * x ** 2 + self.d * x ** 3
    def string(self):
        return f'y = {self.a.item()} + {self.b.item()} x + {self.c.item()} x^2 + {self.d.item()} x^3'

model = Polynomial3()
criterion = torch.nn.MSELoss(reduction='sum')
optimizer = torch.optim.SGD(model.parameters(), lr=1e-6)
for t in range(2000):
    loss = criterion(model(x), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
out['module'] = [loss.item(), model.a.item(), model.d.item(), len(model.string()) > 20]
print(json.dumps(out))
