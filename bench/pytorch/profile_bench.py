"""PyTorch twin of `FaceBoost.Bench profile`: where the time of one IResNet training step goes.

  /usr/bin/python3 profile_bench.py --layers 18 --input-size 32 --width 16 --batch 64 --emb 64 --classes 1000 --threads 2 --reps 5

Prints (besides the backend line):
  RESULT step_ms X                    median of the real step (train_bench.build_step: forward, ArcFace, loss, backward,
                                      gradient norm, SGD)
  LAYER key count fwd_ms total_ms     every layer of the backbone timed alone on its real input shape (forward, and
                                      forward + backward: input gradient unless it is the first conv, and the weight
                                      gradients), median of --reps, summed over the `count` layers with that key per step
  OP name... self_ms calls            torch.autograd.profiler over real steps, per step, the 10 ops with the most
                                      self CPU time (name may contain spaces; the last two fields are numbers)
The layer keys are built from shapes only, the same way as ProfileBench.cs, so the two sides line up.
"""
import argparse
import os
import statistics
import sys
import time

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(__file__))
from bench_env import describe, result  # noqa: E402
from iresnet_ref import IBasicBlock  # noqa: E402
from train_bench import build_step  # noqa: E402


def layer_key(m, x, y):
    if isinstance(m, nn.Conv2d):
        o, i, k, _ = m.weight.shape
        return f"conv{k}x{k}_{i}>{o}_s{x.shape[2] // y.shape[2]}_@{x.shape[2]}"
    if isinstance(m, nn.BatchNorm2d):
        return f"bn2d_c{x.shape[1]}_@{x.shape[2]}"
    if isinstance(m, nn.BatchNorm1d):
        return f"bn1d_c{x.shape[1]}"
    if isinstance(m, nn.PReLU):
        return f"prelu_c{x.shape[1]}_@{x.shape[2]}"
    if isinstance(m, nn.Linear):
        return f"linear_{m.weight.shape[1]}>{m.weight.shape[0]}"
    return None  # dropout (p = 0), containers


def capture(model, images):
    """(key, callable, inputs, needs_input_grad) of every timed layer, in forward order; the residual add of each
    block as its own entry."""
    calls, first = [], [True]

    def hook(m, inp, out):
        k = layer_key(m, inp[0], out)
        if k is not None:
            calls.append((k, m, [inp[0].detach()], not first[0]))
            first[0] = False

    def block_hook(m, inp, out):
        # out = main + identity; both operands have out's shape
        calls.append((f"add_c{out.shape[1]}_@{out.shape[2]}", lambda a, b: a + b, [out.detach(), out.detach()], True))

    handles = [m.register_forward_hook(hook) for m in model.modules() if not list(m.children())]
    handles += [m.register_forward_hook(block_hook) for m in model.modules() if isinstance(m, IBasicBlock)]
    with torch.no_grad():
        model(images)
    for h in handles:
        h.remove()
    return calls


def time_layer(f, inputs, needs_input_grad, reps):
    params = [p for p in (f.parameters() if isinstance(f, nn.Module) else []) if p.requires_grad]
    xs = [x.clone().requires_grad_(needs_input_grad) for x in inputs]
    grad_inputs = (xs if needs_input_grad else []) + params
    g = torch.randn_like(f(*xs))
    fwd, tot = [], []
    for _ in range(reps + 1):
        t = time.perf_counter()
        f(*xs)
        fwd.append(time.perf_counter() - t)
        t = time.perf_counter()
        y = f(*xs)
        if grad_inputs:
            torch.autograd.grad(y, grad_inputs, g)
        tot.append(time.perf_counter() - t)
    return statistics.median(fwd[1:]) * 1e3, statistics.median(tot[1:]) * 1e3


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--layers', type=int, default=18)
    p.add_argument('--input-size', type=int, default=32)
    p.add_argument('--width', type=int, default=16)
    p.add_argument('--batch', type=int, default=64)
    p.add_argument('--emb', type=int, default=64)
    p.add_argument('--classes', type=int, default=1000)
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--reps', type=int, default=5)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    print(describe())
    model, step = build_step(a.layers, a.input_size, a.width, a.batch, a.emb, a.classes)
    step()
    times = []
    for _ in range(a.reps):
        t = time.perf_counter()
        step()
        times.append(time.perf_counter() - t)
    result("step_ms", statistics.median(times) * 1e3)

    images = torch.randn(a.batch, 3, a.input_size, a.input_size)
    groups = {}
    for key, f, inputs, needs in capture(model, images):
        fw, tot = time_layer(f, inputs, needs, a.reps)
        c, sf, st = groups.get(key, (0, 0.0, 0.0))
        groups[key] = (c + 1, sf + fw, st + tot)
    model.train()
    for key, (c, sf, st) in groups.items():
        print(f"LAYER {key} {c} {sf:.6g} {st:.6g}", flush=True)

    steps = 2
    with torch.autograd.profiler.profile() as prof:
        for _ in range(steps):
            step()
    ops = sorted(prof.key_averages(), key=lambda e: e.self_cpu_time_total, reverse=True)[:10]
    for e in ops:
        print(f"OP {e.key} {e.self_cpu_time_total / 1e3 / steps:.6g} {e.count / steps:.6g}", flush=True)


if __name__ == '__main__':
    main()
