"""One training step of nanoGPT's Tiny Shakespeare Transformer (block 64, batch 12, 4 layers, 4 heads, 128 wide) in
maxine beside the same network in PyTorch: same weights, same batches, AdamW; then the peak memory of 200 steps of each,
in fresh processes.

    MAXINE_DATA=../shared/data/mnist python bench/bench_gpt.py [--steps N] [--rounds 3]

The two libraries take turns, `--steps` steps each, for `--rounds` rounds (training on from round to round); the
median is reported, in CPU time and wall time.
"""
import argparse, json, resource, subprocess, sys
from common import machine_line, interleaved, torch_with_threads
import numpy as np

def batches(n, seed=0):
    "n batches of (x, y) int64 arrays from the training part of Tiny Shakespeare, as the Transformer trains on"
    from maxine.text import load_shakespeare, CharVocab, split_text, TextBlocks
    from maxine.language_models import shakespeare_config
    text = load_shakespeare()
    vocab = CharVocab.from_text(text)
    cfg = shakespeare_config()
    blocks = TextBlocks(vocab.encode(split_text(text)[0]), cfg['block_size'])
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        x, y = blocks.get_batch(rng.integers(0, len(blocks), cfg['batch_size']))
        out.append((x.numpy(), y.numpy()))
    return len(vocab), cfg, out

def maxine_model(vocab_size, cfg):
    import maxine
    from maxine.language_models import GPT
    maxine.manual_seed(0)
    return GPT(vocab_size, cfg['block_size'], cfg['n_layer'], cfg['n_head'], cfg['n_embd'], cfg['dropout'])

def torch_twin(model, cfg):
    "The same Transformer in PyTorch (the same module names), with maxine's weights"
    torch = torch_with_threads()
    import torch.nn as nn, torch.nn.functional as F
    class Attention(nn.Module):
        def __init__(self, C, H):
            super().__init__(); self.n_head = H
            self.c_attn, self.c_proj = nn.Linear(C, 3 * C, bias=False), nn.Linear(C, C, bias=False)
        def forward(self, x):
            B, T, C = x.shape
            q, k, v = self.c_attn(x).split(C, dim=2)
            q, k, v = (t.view(B, T, self.n_head, C // self.n_head).transpose(1, 2) for t in (q, k, v))
            return self.c_proj(F.scaled_dot_product_attention(q, k, v, is_causal=True).transpose(1, 2).reshape(B, T, C))
    class Block(nn.Module):
        def __init__(self, C, H):
            super().__init__()
            self.ln_1, self.attn, self.ln_2 = nn.LayerNorm(C, bias=False), Attention(C, H), nn.LayerNorm(C, bias=False)
            self.mlp = nn.Sequential(nn.Linear(C, 4 * C, bias=False), nn.GELU(approximate="tanh"), nn.Linear(4 * C, C, bias=False), nn.Dropout(0.0))
        def forward(self, x):
            x = x + self.attn(self.ln_1(x))
            return x + self.mlp(self.ln_2(x))
    class GPT(nn.Module):
        def __init__(self, V, T, L, H, C):
            super().__init__()
            self.wte, self.wpe, self.drop = nn.Embedding(V, C), nn.Embedding(T, C), nn.Dropout(0.0)
            self.blocks = nn.ModuleList([Block(C, H) for _ in range(L)])
            self.ln_f, self.lm_head = nn.LayerNorm(C, bias=False), nn.Linear(C, V, bias=False)
            self.lm_head.weight = self.wte.weight
        def forward(self, idx):
            x = self.drop(self.wte(idx) + self.wpe(torch.arange(idx.shape[1])))
            for b in self.blocks: x = b(x)
            return self.lm_head(self.ln_f(x))
    twin = GPT(model.wte.weight.shape[0], cfg['block_size'], cfg['n_layer'], cfg['n_head'], cfg['n_embd'])
    twin.load_state_dict({k: torch.from_numpy(v.numpy().copy()) for k, v in model.state_dict().items()})
    return twin

def maxine_step_function(model):
    "One training step of the maxine model: forward, loss, backward, gradient clipping, AdamW"
    import maxine
    from maxine import optim
    from maxine.language_models import lm_loss
    opt = optim.AdamW(model.parameters(), lr=1e-3, betas=(0.9, 0.99), weight_decay=0.1)
    def step(x, y):
        loss = lm_loss(model(maxine.tensor(x)), maxine.tensor(y)); opt.zero_grad(); loss.backward()
        maxine.nn.utils.clip_grad_norm_(model.parameters(), 1.0); opt.step(); return loss.item()
    return step

def torch_step_function(twin):
    "The same step in PyTorch"
    torch = torch_with_threads()
    opt = torch.optim.AdamW(twin.parameters(), lr=1e-3, betas=(0.9, 0.99), weight_decay=0.1)
    def step(x, y):
        logits = twin(torch.from_numpy(x))
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), torch.from_numpy(y).reshape(-1))
        opt.zero_grad(); loss.backward(); torch.nn.utils.clip_grad_norm_(twin.parameters(), 1.0); opt.step(); return loss.item()
    return step

def child(lib, steps):
    "Train `steps` steps with one library in this process (PyTorch is imported only by its own child); print the peak RSS in MB"
    vocab_size, cfg, data = batches(steps)
    model = maxine_model(vocab_size, cfg)
    step = maxine_step_function(model) if lib == 'maxine' else torch_step_function(torch_twin(model, cfg))
    if lib == 'torch': del model
    for x, y in data: step(x, y)
    print(json.dumps({'peak_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))

def main(steps=30, rounds=3):
    # memory first: a child starts with the high-water mark of its parent at the fork (Linux keeps it across exec),
    # so the children are started while this process is still small
    memory = {lib: json.loads(subprocess.run([sys.executable, __file__, '--child', lib, '--steps', '200'], capture_output=True,
                                             text=True, check=True).stdout.strip().splitlines()[-1])['peak_mb'] for lib in ('maxine', 'torch')}
    vocab_size, cfg, data = batches(steps + 3)
    model = maxine_model(vocab_size, cfg)
    torch_step = torch_step_function(torch_twin(model, cfg))
    maxine_step = maxine_step_function(model)
    first = [(maxine_step(x, y), torch_step(x, y)) for x, y in data[:3]]           # warm-up; the same losses
    assert abs(first[0][0] - first[0][1]) < 1e-4, first
    def steps_of(step):
        def run():
            for x, y in data[3:]: step(x, y)
        return run
    (mw, mc), (tw, tc) = (tuple(t / steps * 1000 for t in times) for times in
                          interleaved({'maxine': steps_of(maxine_step), 'torch': steps_of(torch_step)}, rounds).values())
    print(machine_line() + "\n")
    print("| Tiny Shakespeare Transformer (0.8 M weights), batch 12 x 64 | maxine | PyTorch | maxine / PyTorch |")
    print("|---|---:|---:|---:|")
    print(f"| one training step, ms (CPU) | {mc:.1f} | {tc:.1f} | {mc / tc:.2f} |")
    print(f"| one training step, ms (wall) | {mw:.1f} | {tw:.1f} | {mw / tw:.2f} |")
    print(f"| peak RSS of 200 steps, MB | {memory['maxine']:.0f} | {memory['torch']:.0f} | {memory['maxine'] / memory['torch']:.2f} |")

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--steps', type=int, default=30)
    p.add_argument('--rounds', type=int, default=3)
    p.add_argument('--child', choices=['maxine', 'torch'])
    a = p.parse_args()
    child(a.child, a.steps) if a.child else main(a.steps, a.rounds)
