"""maxine's first demonstration: fit y = 3x - 2 from noisy samples with a Tensor and gradient descent.

Run it with `python examples/fit_line.py`. It needs only maxine (and so NumPy)."""
import maxine
from maxine import no_grad, randn, zeros

maxine.manual_seed(0)
xs = randn(200, 1)
ys = 3 * xs - 2 + 0.1 * randn(200, 1)
w, b = zeros(1, 1, requires_grad=True), zeros(1, requires_grad=True)
lr = 0.1
for step in range(1, 101):
    loss = ((xs @ w + b - ys) ** 2).mean()
    loss.backward()
    with no_grad():
        w -= lr * w.grad
        b -= lr * b.grad
    w.grad = b.grad = None
    if step % 20 == 0: print(f"step {step:3d}  loss {loss.item():.4f}  w {w.item():+.3f}  b {b.item():+.3f}")
print(f"fitted y = {w.item():.3f} x {b.item():+.3f}  (true line: y = 3x - 2)")
