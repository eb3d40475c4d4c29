"A map-style Dataset with a per-sample transform, a DataLoader, and a loop that sums what it sees."
import json
import numpy as np
import torch
from torch.utils.data import Dataset, DataLoader, TensorDataset, random_split


class Squares(Dataset):
    def __init__(self, n, transform=None):
        self.n, self.transform = n, transform

    def __len__(self):
        return self.n

    def __getitem__(self, idx):
        image = np.full((1, 4, 4), idx, dtype=np.float32)   # a (C, H, W) image
        label = idx % 3
        if self.transform:
            image = self.transform(image)
        return image, label


def normalize(image):
    t = torch.from_numpy(image)
    return (t - 5.0) / 2.0


ds = Squares(10, transform=normalize)
loader = DataLoader(ds, batch_size=4, shuffle=False)
shapes, total, labels = [], 0.0, []
for images, targets in loader:
    shapes.append(list(images.shape))
    total += images.sum().item()
    labels += targets.tolist()
image, label = ds[3]

tds = TensorDataset(torch.arange(12.).reshape(6, 2), torch.arange(6))
train, valid = random_split(tds, [4, 2], generator=torch.Generator().manual_seed(0))
print(json.dumps({'shapes': shapes, 'total': total, 'labels': labels, 'label_type': type(label).__name__,
                  'item_shape': list(image.shape), 'split': [len(train), len(valid)],
                  'batch_is_int64': next(iter(DataLoader(tds, batch_size=3)))[1].dtype == torch.int64}))
