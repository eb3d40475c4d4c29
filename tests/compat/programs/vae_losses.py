"A VAE's loss as in the classic tutorial: BCE with size_average=False, the KL term, and the reparameterisation."
import json
import torch
import torch.nn as nn
import torch.nn.functional as F

class VAE(nn.Module):
    def __init__(self):
        super(VAE, self).__init__()
        self.fc1 = nn.Linear(6, 4)
        self.fc21, self.fc22 = nn.Linear(4, 2), nn.Linear(4, 2)
        self.fc3, self.fc4 = nn.Linear(2, 4), nn.Linear(4, 6)

    def forward(self, x, eps):
        h = F.relu(self.fc1(x))
        mu, logvar = self.fc21(h), self.fc22(h)
        z = mu + eps * torch.exp(0.5 * logvar)
        return torch.sigmoid(self.fc4(F.relu(self.fc3(z)))), mu, logvar

model = VAE()
with torch.no_grad():
    for i, p in enumerate(model.parameters()):
        p.copy_(torch.sin(torch.arange(p.numel(), dtype=torch.float32) * 1.3 + i).view(p.shape) * 0.4)
x = torch.tensor([[0., 1., 1., 0., 1., 0.], [1., 1., 0., 0., 0., 1.]])
eps = torch.tensor([[0.3, -0.2], [-0.5, 0.1]])
opt = torch.optim.Adam(model.parameters(), lr=1e-2)
for step in range(20):
    recon, mu, logvar = model(x, eps)
    bce = F.binary_cross_entropy(recon, x, size_average=False)
    kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    loss = bce + kld
    opt.zero_grad(); loss.backward(); opt.step()
saturated = F.binary_cross_entropy(torch.tensor([0.0, 1.0], requires_grad=True), torch.tensor([1.0, 0.0]))
print(json.dumps({'loss': loss.item(), 'bce': bce.item(), 'saturated': saturated.item()}))
