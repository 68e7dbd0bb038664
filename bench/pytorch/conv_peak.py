"""PyTorch twin of `FaceBoost.Bench conv`: GFLOP/s of one 3x3 conv 64->64 at 56 px, batch 32, forward + backward
(input and weight gradients), PyTorch as its users run it.  /usr/bin/python3 conv_peak.py [steps] [threads]"""
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
from bench_env import describe, result  # noqa: E402

steps = int(sys.argv[1]) if len(sys.argv) > 1 else 5
torch.set_num_threads(int(sys.argv[2]) if len(sys.argv) > 2 else 2)
print(describe())
torch.manual_seed(0)
N, C, S = 32, 64, 56
x = torch.randn(N, C, S, S, requires_grad=True)
w = (torch.randn(C, C, 3, 3) * 0.05).requires_grad_()
g = torch.randn(N, C, S, S)
flops = 3 * 2.0 * N * C * S * S * C * 9


def step():
    x.grad = w.grad = None
    F.conv2d(x, w, padding=1).backward(g)


step()
t = time.perf_counter()
for _ in range(steps):
    step()
result("gflops", flops * steps / (time.perf_counter() - t) / 1e9)
