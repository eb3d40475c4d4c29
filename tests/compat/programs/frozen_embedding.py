"Pretrained embeddings, frozen, in a model whose optimizer is given all its parameters (as many programs do)."
import json
import torch
import torch.nn as nn

table = torch.linspace(-1, 1, 15).view(5, 3)
model = nn.Sequential()
model.add_module('embed', nn.Embedding.from_pretrained(table, freeze=True))
model.add_module('flatten', nn.Flatten())
model.add_module('out', nn.Linear(6, 2))
with torch.no_grad():
    model.out.weight.copy_(torch.linspace(-0.5, 0.5, 12).view(2, 6)); model.out.bias.zero_()
opt = torch.optim.Adam(model.parameters(), lr=0.1)
ids, target = torch.tensor([[1, 2], [3, 4]]), torch.tensor([1, 0])
for _ in range(5):
    loss = nn.CrossEntropyLoss()(model(ids), target)
    opt.zero_grad(); loss.backward(); opt.step()
print(json.dumps({'loss': loss.item(), 'frozen': model.embed.weight.requires_grad,
                  'table_unchanged': bool(torch.equal(model.embed.weight, table))}))
