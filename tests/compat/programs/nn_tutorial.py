"""PyTorch's "What is torch.nn really?" tutorial, step by step, on small synthetic 28x28 images instead of MNIST:
from raw tensors and a hand-written log_softmax to nn.Module, optim, TensorDataset, DataLoader and a CNN."""
import json, math
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn, optim
from torch.utils.data import TensorDataset, DataLoader

rng = np.random.default_rng(0)
x_train, x_valid = rng.random((256, 784), dtype=np.float32), rng.random((64, 784), dtype=np.float32)
y_train, y_valid = rng.integers(0, 10, 256), rng.integers(0, 10, 64)
x_train, y_train, x_valid, y_valid = map(torch.tensor, (x_train, y_train, x_valid, y_valid))
n, c = x_train.shape
results = {'shape': [n, c], 'y_range': [y_train.min().item(), y_train.max().item()]}

# from scratch
weights = torch.from_numpy(rng.standard_normal((784, 10)).astype(np.float32)) / math.sqrt(784)
weights.requires_grad_()
bias = torch.zeros(10, requires_grad=True)

def log_softmax(x): return x - x.exp().sum(-1).log().unsqueeze(-1)
def model(xb): return log_softmax(xb @ weights + bias)
def nll(input, target): return -input[range(target.shape[0]), target].mean()
loss_func = nll
def accuracy(out, yb):
    preds = torch.argmax(out, dim=1)
    return (preds == yb).float().mean()

bs, lr, epochs = 64, 0.5, 2
for epoch in range(epochs):
    for i in range((n - 1) // bs + 1):
        start_i = i * bs
        xb, yb = x_train[start_i:start_i + bs], y_train[start_i:start_i + bs]
        loss = loss_func(model(xb), yb)
        loss.backward()
        with torch.no_grad():
            weights -= weights.grad * lr
            bias -= bias.grad * lr
            weights.grad.zero_()
            bias.grad.zero_()
results['scratch'] = [loss_func(model(x_train[:bs]), y_train[:bs]).item(), accuracy(model(x_train[:bs]), y_train[:bs]).item()]

# nn.Module with Parameters, then nn.Linear, then optim
class Mnist_Logistic(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(784, 10)
    def forward(self, xb): return self.lin(xb)

def get_model():
    model = Mnist_Logistic()
    with torch.no_grad():
        model.lin.weight.copy_(torch.from_numpy(rng.standard_normal((10, 784)).astype(np.float32) * 0.01))
        model.lin.bias.zero_()
    return model, optim.SGD(model.parameters(), lr=lr)

loss_func = F.cross_entropy
model, opt = get_model()
train_ds = TensorDataset(x_train, y_train)
train_dl = DataLoader(train_ds, batch_size=bs)
valid_dl = DataLoader(TensorDataset(x_valid, y_valid), batch_size=bs * 2)

def loss_batch(model, loss_func, xb, yb, opt=None):
    loss = loss_func(model(xb), yb)
    if opt is not None:
        loss.backward()
        opt.step()
        opt.zero_grad()
    return loss.item(), len(xb)

def fit(epochs, model, loss_func, opt, train_dl, valid_dl):
    history = []
    for epoch in range(epochs):
        model.train()
        for xb, yb in train_dl: loss_batch(model, loss_func, xb, yb, opt)
        model.eval()
        with torch.no_grad():
            losses, nums = zip(*[loss_batch(model, loss_func, xb, yb) for xb, yb in valid_dl])
        history.append(float(np.sum(np.multiply(losses, nums)) / np.sum(nums)))
    return history

results['logistic'] = fit(2, model, loss_func, opt, train_dl, valid_dl)

# a CNN, with a Lambda layer, on the device
class Lambda(nn.Module):
    def __init__(self, func):
        super().__init__()
        self.func = func
    def forward(self, x): return self.func(x)

dev = torch.device("cuda") if torch.cuda.is_available() else torch.device("cpu")
cnn = nn.Sequential(
    Lambda(lambda x: x.view(-1, 1, 28, 28)),
    nn.Conv2d(1, 4, kernel_size=3, stride=2, padding=1), nn.ReLU(),
    nn.Conv2d(4, 10, kernel_size=3, stride=2, padding=1), nn.ReLU(),
    nn.AdaptiveAvgPool2d(1),
    Lambda(lambda x: x.view(x.size(0), -1)),
)
with torch.no_grad():
    for p in cnn.parameters(): p.copy_(torch.from_numpy(rng.standard_normal(tuple(p.shape)).astype(np.float32) * 0.3))
cnn.to(dev)
opt = optim.SGD(cnn.parameters(), lr=0.1, momentum=0.9)
results['cnn'] = fit(2, cnn, loss_func, opt, train_dl, valid_dl)
results['cnn_out'] = list(cnn(x_valid[:2].to(dev)).shape)
print(json.dumps(results))
