"Module bookkeeping as PyTorch code uses it: buffers, hooks, named_modules, state_dict keys, init, clip_grad_norm_."
import json
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3, padding=1)
        self.bn = nn.BatchNorm2d(4)
        self.fc = nn.Linear(4 * 8 * 8, 3)
        self.register_buffer('calls', torch.zeros(1))

    def forward(self, x):
        self.calls += 1
        x = F.max_pool2d(F.relu(self.bn(self.conv(x))), 2)
        return self.fc(torch.flatten(x, 1))


model = Model()
rng = np.random.default_rng(1)
with torch.no_grad():
    for p in model.parameters():
        p.copy_(torch.from_numpy(rng.standard_normal(tuple(p.shape)).astype(np.float32) * 0.2))
nn.init.zeros_(model.fc.bias)
seen = []
handle = model.fc.register_forward_hook(lambda module, inputs, output: seen.append(list(output.shape)))
x = torch.from_numpy(rng.standard_normal((5, 1, 16, 16)).astype(np.float32))
out = model(x)
loss = F.cross_entropy(out, torch.tensor([0, 1, 2, 0, 1]))
loss.backward()
norm = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
handle.remove()
model(x)
print(json.dumps({'loss': loss.item(), 'norm': float(norm), 'hook_calls': seen, 'calls': model.calls.item(),
                  'keys': list(model.state_dict().keys()), 'modules': [n for n, _ in model.named_modules()],
                  'n_params': sum(p.numel() for p in model.parameters()),
                  'running_mean': model.bn.running_mean.tolist()}))
