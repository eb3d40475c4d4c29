"""PyTorch twins of maxine's ResNet (maxine.resnet) and diffusion UNet (maxine.diffusion): the same modules under the
same names, so that a maxine state dict loads into them as it is. The benchmarks time them beside maxine's; the tests
compare values and gradients with them in float64."""
import math
import torch
import torch.nn as nn
import torch.nn.functional as F

def conv_bn(ni, nf, ks=3, stride=1, act=True):
    layers = [nn.Conv2d(ni, nf, ks, stride=stride, padding=ks // 2, bias=False), nn.BatchNorm2d(nf)]
    return nn.Sequential(*layers, nn.ReLU()) if act else nn.Sequential(*layers)

class ResBlock(nn.Module):
    def __init__(self, ni, nf, stride=1):
        super().__init__()
        self.convs = nn.Sequential(conv_bn(ni, nf, stride=stride), conv_bn(nf, nf, act=False))
        self.shortcut = nn.Identity() if ni == nf and stride == 1 else conv_bn(ni, nf, 1, stride, act=False)
    def forward(self, x): return F.relu(self.convs(x) + self.shortcut(x))

def fashion_resnet(num_classes=10, widths=(16, 32, 64, 128, 256)):
    layers = [nn.Unflatten(1, (1, 28, 28)), conv_bn(1, widths[0])]
    layers += [ResBlock(a, b, stride=2) for a, b in zip(widths, widths[1:])]
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(widths[-1], num_classes))

def timestep_embedding(t, dim, max_period=10_000):
    half = dim // 2
    frequencies = torch.exp(-math.log(max_period) * torch.arange(half, dtype=torch.float64) / half)
    angles = t.double()[:, None] * frequencies[None]
    return torch.cat([angles.sin(), angles.cos()], dim=1)

class TimeResBlock(nn.Module):
    def __init__(self, ni, nf, emb_dim, groups=8):
        super().__init__()
        self.norm1, self.conv1 = nn.GroupNorm(groups, ni), nn.Conv2d(ni, nf, 3, padding=1)
        self.emb = nn.Linear(emb_dim, nf)
        self.norm2, self.conv2 = nn.GroupNorm(groups, nf), nn.Conv2d(nf, nf, 3, padding=1)
        self.shortcut = nn.Identity() if ni == nf else nn.Conv2d(ni, nf, 1)
    def forward(self, x, emb):
        h = self.conv1(F.silu(self.norm1(x)))
        h = h + self.emb(F.silu(emb))[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        return h + self.shortcut(x)

class SelfAttention2d(nn.Module):
    def __init__(self, channels, head_size=32, groups=8):
        super().__init__()
        self.norm, self.heads = nn.GroupNorm(groups, channels), max(1, channels // head_size)
        self.qkv, self.proj = nn.Conv2d(channels, 3 * channels, 1), nn.Conv2d(channels, channels, 1)
    def forward(self, x):
        n, c, h, w = x.shape
        qkv = self.qkv(self.norm(x)).reshape(n, 3, self.heads, c // self.heads, h * w).transpose(-1, -2)
        y = F.scaled_dot_product_attention(qkv[:, 0], qkv[:, 1], qkv[:, 2])
        return x + self.proj(y.transpose(-1, -2).reshape(n, c, h, w))

class UNet(nn.Module):
    def __init__(self, channels=(32, 64), emb_dim=128, in_channels=1):
        super().__init__()
        c0, c1 = channels
        self.freq_dim = emb_dim // 4
        self.time = nn.Sequential(nn.Linear(self.freq_dim, emb_dim), nn.SiLU(), nn.Linear(emb_dim, emb_dim))
        self.stem = nn.Conv2d(in_channels, c0, 4, stride=2, padding=1)
        self.enc = TimeResBlock(c0, c0, emb_dim)
        self.down = nn.Conv2d(c0, c1, 3, stride=2, padding=1)
        self.mid1, self.attn, self.mid2 = TimeResBlock(c1, c1, emb_dim), SelfAttention2d(c1), TimeResBlock(c1, c1, emb_dim)
        self.dec = TimeResBlock(c1 + c0, c0, emb_dim)
        self.out = nn.Sequential(nn.GroupNorm(8, c0), nn.SiLU(), nn.ConvTranspose2d(c0, c0 // 2, 4, stride=2, padding=1),
                                 nn.SiLU(), nn.Conv2d(c0 // 2, in_channels, 3, padding=1))
    def forward(self, x, t):
        emb = self.time(timestep_embedding(t, self.freq_dim).to(x.dtype))
        skip = self.enc(self.stem(x), emb)
        h = self.mid2(self.attn(self.mid1(self.down(skip), emb)), emb)
        h = self.dec(torch.cat([F.interpolate(h, scale_factor=2), skip], dim=1), emb)
        return self.out(h)

def load_weights(twin, model, dtype=torch.float32):
    "Give `twin` the weights (and buffers) of the maxine `model`, as `dtype`"
    state = {k: torch.from_numpy(v.detach().numpy().copy()) for k, v in model.state_dict().items()}
    twin.load_state_dict(state)
    return twin.to(dtype)
