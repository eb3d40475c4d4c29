"PyTorch's Tensors tutorial (Learn the Basics), with fixed values where it draws random ones."
import json
import numpy as np
import torch

data = [[1, 2], [3, 4]]
x_data = torch.tensor(data)
np_array = np.array(data)
x_np = torch.from_numpy(np_array)
x_ones = torch.ones_like(x_data)
x_rand = torch.rand_like(x_data, dtype=torch.float)
shape = (2, 3,)
ones_tensor, zeros_tensor = torch.ones(shape), torch.zeros(shape)
out = {'x_ones': x_ones.tolist(), 'rand_shape': list(x_rand.shape), 'rand_dtype': x_rand.dtype == torch.float32,
       'ones': ones_tensor.tolist(), 'zeros': zeros_tensor.tolist()}

tensor = torch.rand(3, 4)
out['attrs'] = [list(tensor.shape), str(tensor.device), tensor.dtype == torch.float32]
if torch.accelerator.is_available():
    tensor = tensor.to(torch.accelerator.current_accelerator())

tensor = torch.arange(16.).reshape(4, 4) / 10
out['first_row'] = tensor[0].tolist()
out['first_col'] = tensor[:, 0].tolist()
out['last_col'] = tensor[..., -1].tolist()
tensor[:, 1] = 0
out['assigned'] = tensor.tolist()
t1 = torch.cat([tensor, tensor, tensor], dim=1)
out['cat'] = list(t1.shape)

y1 = tensor @ tensor.T
y2 = tensor.matmul(tensor.T)
y3 = torch.rand_like(y1)
torch.matmul(tensor, tensor.T, out=y3)
z1 = tensor * tensor
z2 = tensor.mul(tensor)
z3 = torch.rand_like(tensor)
torch.mul(tensor, tensor, out=z3)
out['products'] = [y1.tolist(), (y1 == y2).all().item(), (y1 == y3).all().item(), (z1 == z2).all().item(), (z1 == z3).all().item()]

agg = tensor.sum()
agg_item = agg.item()
out['agg'] = [agg_item, type(agg_item).__name__]
tensor.add_(5)
out['added'] = tensor.tolist()

t = torch.ones(5)
n = t.numpy()
t.add_(1)
out['shared'] = n.tolist()
n = np.ones(5)
t = torch.from_numpy(n)
np.add(n, 1, out=n)
out['shared_back'] = t.tolist()
print(json.dumps(out))
