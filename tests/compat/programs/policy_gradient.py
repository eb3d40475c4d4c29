"REINFORCE on a two-armed bandit: a Categorical policy, log_prob and entropy (actions fixed so both libraries agree)."
import json
import torch
import torch.nn as nn
from torch.distributions import Categorical, Normal, kl_divergence

policy = nn.Linear(2, 2)
with torch.no_grad():
    policy.weight.copy_(torch.tensor([[0.2, -0.1], [0.05, 0.3]])); policy.bias.zero_()
opt = torch.optim.SGD(policy.parameters(), lr=0.1)
state = torch.tensor([1.0, 0.5])
actions = [0, 1, 1, 0, 1, 1, 1, 0]
rewards = [0.0, 1.0, 1.0, 0.0, 1.0, 1.0, 1.0, 0.0]
for action, reward in zip(actions, rewards):
    dist = Categorical(logits=policy(state))
    loss = -dist.log_prob(torch.tensor(action)) * (reward - 0.5) - 0.01 * dist.entropy()
    opt.zero_grad(); loss.backward(); opt.step()
probs = Categorical(logits=policy(state)).probs
normal = Normal(torch.tensor([0.0, 1.0]), torch.tensor([1.0, 2.0]))
print(json.dumps({'probs': probs.tolist(), 'log_prob': normal.log_prob(torch.tensor([0.5, 0.5])).tolist(),
                  'kl': kl_divergence(normal, Normal(torch.tensor(0.0), torch.tensor(1.0))).tolist(),
                  'shape': list(normal.sample((3,)).shape)}))
