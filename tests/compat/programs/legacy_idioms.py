"A classifier written the way pre-1.0 PyTorch code is: Variable, typed constructors, .data, size_average, implicit softmax dim."
import json
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.autograd import Variable

x_np = np.linspace(-1, 1, 40).reshape(20, 2)
y_np = (x_np[:, 0] * 3 + x_np[:, 1] > 0).astype(np.int64)
x = Variable(torch.FloatTensor(x_np))
y = Variable(torch.LongTensor(y_np))

class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.fc1 = nn.Linear(2, 8)
        self.fc2 = nn.Linear(8, 2)
        self.w = nn.Parameter(torch.Tensor(2, 2))            # legacy: sizes, filled below

    def forward(self, x):
        return F.log_softmax(self.fc2(F.relu(self.fc1(x))) + x.mm(self.w))   # implicit dim, as old code does

net = Net()
for p in net.parameters():
    p.data.copy_(torch.linspace(-0.3, 0.3, p.numel()).view(p.size()))
net.fc1.bias.data.fill_(0.1)

lr = 0.5
for step in range(30):
    out = net(x)
    loss = F.nll_loss(out, y, size_average=False) / 20
    net.zero_grad()
    loss.backward()
    for p in net.parameters():
        p.data.add_(p.grad.data, alpha=-lr)                   # the update by hand, through .data

_, predicted = torch.max(out.data, 1)
correct = (predicted == y.data).sum().item()
as_float = y.type(torch.FloatTensor)
print(json.dumps({'loss': loss.item(), 'correct': correct, 'is_float': isinstance(as_float, torch.FloatTensor),
                  'w': net.w.data.view(-1).tolist(), 'type': as_float.type().split('.')[-1]}))
