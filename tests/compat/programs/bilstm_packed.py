"A bidirectional LSTM tagger over sentences of different lengths: pad_sequence, pack_padded_sequence, pad_packed_sequence."
import json
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence, pack_padded_sequence, pad_packed_sequence

sentences = [[1, 4, 2, 3], [2, 2], [4, 1, 3]]
tags = [[0, 1, 0, 1], [1, 1], [0, 0, 1]]

class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(5, 6, padding_idx=0)
        self.lstm = nn.LSTM(6, 5, num_layers=2, bidirectional=True, batch_first=True)
        self.out = nn.Linear(10, 2)

    def forward(self, ids, lengths):
        packed = pack_padded_sequence(self.embed(ids), lengths, batch_first=True, enforce_sorted=False)
        self.lstm.flatten_parameters()
        output, (h, c) = self.lstm(packed)
        padded, _ = pad_packed_sequence(output, batch_first=True)
        return self.out(padded), h

model = Tagger()
with torch.no_grad():
    for i, p in enumerate(model.parameters()):
        p.copy_(torch.sin(torch.arange(p.numel(), dtype=torch.float32) * (i + 1) * 0.37).view(p.shape) * 0.3)
ids = pad_sequence([torch.tensor(s) for s in sentences], batch_first=True)
targets = pad_sequence([torch.tensor(t) for t in tags], batch_first=True, padding_value=-100)
lengths = torch.tensor([len(s) for s in sentences])
opt = torch.optim.Adam(model.parameters(), lr=0.05)
for step in range(15):
    scores, h = model(ids, lengths)
    loss = nn.functional.cross_entropy(scores.reshape(-1, 2), targets.reshape(-1), ignore_index=-100)
    opt.zero_grad(); loss.backward(); opt.step()
print(json.dumps({'loss': loss.item(), 'h': h.shape[0], 'scores': list(scores.shape),
                  'h_sum': h.abs().sum().item()}))
