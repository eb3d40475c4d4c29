"A small Transformer encoder classifying sequences, with a padding mask: nn.TransformerEncoder as tutorials use it."
import json, math
import torch
import torch.nn as nn

class Classifier(nn.Module):
    def __init__(self, vocab=7, d_model=8, nhead=2):
        super().__init__()
        self.embed = nn.Embedding(vocab, d_model)
        layer = nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward=16, dropout=0.0, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2)
        self.head = nn.Linear(d_model, 2)

    def forward(self, ids, padding):
        x = self.embed(ids) * math.sqrt(8)
        x = self.encoder(x, src_key_padding_mask=padding)
        x = x.masked_fill(padding.unsqueeze(-1), 0).sum(1) / (~padding).sum(1, keepdim=True)
        return self.head(x)

model = Classifier()
with torch.no_grad():
    for i, p in enumerate(model.parameters()):
        p.copy_(torch.cos(torch.arange(p.numel(), dtype=torch.float32) * 0.61 + i).view(p.shape) * 0.2)
ids = torch.tensor([[1, 2, 3, 0], [4, 5, 0, 0], [6, 1, 2, 3]])
padding = ids == 0
labels = torch.tensor([0, 1, 0])
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
for step in range(10):
    loss = nn.functional.cross_entropy(model(ids, padding), labels)
    opt.zero_grad(); loss.backward(); opt.step()
mask = nn.Transformer.generate_square_subsequent_mask(3)
print(json.dumps({'loss': loss.item(), 'mask': mask.tolist()}))
