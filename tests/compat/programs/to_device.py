"The usual device-agnostic training loop: .to(device), nn.Module, CrossEntropyLoss, SGD with momentum, eval()."
import json
import numpy as np
import torch
from torch import nn

device = "cuda" if torch.cuda.is_available() else ("mps" if torch.backends.mps.is_available() else "cpu")
device = torch.device(device)

rng = np.random.default_rng(0)
X = torch.from_numpy(rng.standard_normal((256, 20)).astype(np.float32))
y = torch.from_numpy((rng.standard_normal(256) > 0).astype(np.int64))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.stack = nn.Sequential(nn.Linear(20, 32), nn.ReLU(), nn.Linear(32, 2))

    def forward(self, x):
        return self.stack(self.flatten(x))


model = Net().to(device)
with torch.no_grad():                               # the same starting weights in both libraries
    for name, p in model.named_parameters():
        p.copy_(torch.from_numpy(rng.standard_normal(tuple(p.shape)).astype(np.float32) * 0.1))
loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)

model.train()
for epoch in range(20):
    for i in range(0, 256, 32):
        xb, yb = X[i:i + 32].to(device), y[i:i + 32].to(device)
        pred = model(xb)
        loss = loss_fn(pred, yb)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()

model.eval()
with torch.no_grad():
    logits = model(X.to(device))
    correct = (logits.argmax(1) == y).type(torch.float).sum().item()
print(json.dumps({'loss': loss.item(), 'correct': correct, 'weight_shape': list(model.stack[0].weight.shape),
                  'first_weights': model.stack[0].weight[0, :4].tolist(), 'device': str(next(model.parameters()).device)}))
