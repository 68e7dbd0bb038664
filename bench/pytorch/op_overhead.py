"""PyTorch twin of `FaceBoost.Bench op-overhead`: microseconds per call of a tiny op on 1-element tensors (the
per-op framework overhead), new result and in place, and of a small conv (1x16x8x8, 16->16 3x3, calls/10 calls).
/usr/bin/python3 op_overhead.py [calls] [threads]"""
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(__file__))
from bench_env import describe, result  # noqa: E402

calls = int(sys.argv[1]) if len(sys.argv) > 1 else 200000
torch.set_num_threads(int(sys.argv[2]) if len(sys.argv) > 2 else 2)
print(describe())
a, b = torch.ones(1), torch.ones(1)
x, w = torch.randn(1, 16, 8, 8), torch.randn(16, 16, 3, 3)


def timed(f, n=calls):
    f(1000)
    t = time.perf_counter()
    f(n)
    return (time.perf_counter() - t) / n * 1e6


def add(n):
    for _ in range(n):
        torch.add(a, b, alpha=1)


def add_(n):
    for _ in range(n):
        a.add_(b, alpha=1)


result("add_us", timed(add))
result("add_inplace_us", timed(add_))


def conv(n):
    for _ in range(n):
        torch.nn.functional.conv2d(x, w, padding=1)


result("conv_us", timed(conv, max(1, calls // 10)))
