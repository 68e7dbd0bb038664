"""PyTorch twin of `FaceBoost.Bench overhead`: microseconds per call of a tiny op on 1-element tensors (the
per-op framework overhead).  /usr/bin/python3 op_overhead.py [calls] [threads]"""
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


def timed(f):
    f(1000)
    t = time.perf_counter()
    f(calls)
    return (time.perf_counter() - t) / calls * 1e6


def add(n):
    for _ in range(n):
        torch.add(a, b, alpha=1)


def add_(n):
    for _ in range(n):
        a.add_(b, alpha=1)


result("add_us", timed(add))
result("add_inplace_us", timed(add_))
