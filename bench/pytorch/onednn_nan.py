"""PyTorch twin of `FaceBoost.Bench onednn-nan`: NaN count of conv forward+backward with oneDNN on (PyTorch's
default, no ISA cap), each pass compared with the native ATen kernels (torch.backends.mkldnn disabled) on the same
inputs. Cases as in OneDnnNanBench.cs: small (conv3x3 16->32 -> ReLU -> conv3x3/2 32->32 + 1x1/2 shortcut, batch 8
at 32 px), conv64 (3x3 64->64, 56 px, batch 32), iresnet18 (width 16, 32 px, emb 64, batch 64, train mode).

  /usr/bin/python3 bench/pytorch/onednn_nan.py [case small|conv64|iresnet18|r1|frozen|all] [trials] [threads]
"""
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
from bench_env import describe  # noqa: E402
from iresnet_ref import IResNet  # noqa: E402


def small():
    x, w1 = torch.randn(8, 16, 32, 32), torch.randn(32, 16, 3, 3) * 0.1
    w2, ws = torch.randn(32, 32, 3, 3) * 0.05, torch.randn(32, 16, 1, 1) * 0.25
    g = torch.randn(8, 32, 16, 16)

    def run():
        ps = [t.detach().clone().requires_grad_() for t in (x, w1, w2, ws)]
        xx, a, b, s = ps
        h = F.relu(F.conv2d(xx, a, padding=1))
        y = F.conv2d(h, b, stride=2, padding=1) + F.conv2d(xx, s, stride=2)
        ((y * g * 0.5).sum() * 2.0).backward()
        return [p.grad for p in ps]
    return run


def conv64():
    x, w, g = torch.randn(32, 64, 56, 56), torch.randn(64, 64, 3, 3) * 0.05, torch.randn(32, 64, 56, 56)

    def run():
        xx, ww = x.detach().clone().requires_grad_(), w.detach().clone().requires_grad_()
        ((F.conv2d(xx, ww, padding=1) * 0.5) * g).sum().backward()
        return [xx.grad, ww.grad]
    return run


def iresnet18():
    net = IResNet([2, 2, 2, 2], width=16, input_size=32, num_features=64).train()
    state = {k: v.detach().clone() for k, v in net.state_dict().items()}
    x, g = torch.randn(64, 3, 32, 32), torch.randn(64, 64)

    def run():
        net.load_state_dict(state)
        net.zero_grad(set_to_none=True)
        xx = x.detach().clone().requires_grad_()
        (net(xx) * g * 0.5).sum().backward()
        return [xx.grad] + [p.grad.detach().clone() for p in net.parameters() if p.grad is not None]
    return run


def r1():
    x = torch.randn(8, 3, 32, 32)
    w1, w2, w3 = torch.randn(32, 3, 3, 3) * 0.25, torch.randn(64, 32, 3, 3) * 0.05, torch.randn(1, 64, 3, 3) * 0.05

    def run():
        xx = x.detach().clone().requires_grad_()
        ws = [t.detach().clone().requires_grad_() for t in (w1, w2, w3)]
        h = F.leaky_relu(F.conv2d(xx, ws[0], padding=1), 0.2)
        h = F.leaky_relu(F.conv2d(h, ws[1], stride=2, padding=1), 0.2)
        logits = F.conv2d(h, ws[2], stride=2, padding=1)
        g, = torch.autograd.grad(logits.sum(), xx, create_graph=True)
        (g.square().sum() * 0.5).backward()
        return [q.grad for q in ws]
    return run


def frozen():
    x, w0 = torch.randn(16, 6, 32, 32), torch.randn(16, 6, 3, 3) * 0.25
    wb1, wb2, g = torch.randn(32, 16, 3, 3) * 0.1, torch.randn(32, 32, 3, 3) * 0.05, torch.randn(16, 32, 16, 16)

    def run():
        ww = w0.detach().clone().requires_grad_()
        h = F.relu(F.conv2d(x, ww, padding=1))
        h = F.relu(F.conv2d(h, wb1, padding=1))
        ((F.conv2d(h, wb2, stride=2, padding=1) * g * 0.5).sum()).backward()
        return [ww.grad, ww.grad]
    return run


def rel(a, b, floor):
    """max |a - b| / max(max |b|, floor): a gradient that is ~0 by construction (a bias before BatchNorm) is
    compared against 1e-3 of the largest one."""
    return float((a - b).abs().max()) / max(float(b.abs().max()), floor, 1e-12)


def main():
    which = sys.argv[1] if len(sys.argv) > 1 else 'small'
    trials = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    threads = int(sys.argv[3]) if len(sys.argv) > 3 else 2
    torch.set_num_threads(threads)
    print(describe())
    print("| case | trials | NaN input grad | NaN weight grad | passes != ATen (rel > 1e-4) | max rel diff | s/trial |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name in (['small', 'conv64', 'iresnet18', 'r1', 'frozen'] if which == 'all' else [which]):
        torch.manual_seed(0)
        run = {'small': small, 'conv64': conv64, 'iresnet18': iresnet18, 'r1': r1, 'frozen': frozen}[name]()
        with torch.backends.mkldnn.flags(enabled=False):
            ref = run()
        floor = 1e-3 * max(float(q.abs().max()) for q in ref)
        nan_in = nan_w = mismatch = 0
        max_rel = 0.0
        t = time.perf_counter()
        for _ in range(trials):
            grads = run()
            nan_in += bool(torch.isnan(grads[0]).any())
            nan_w += any(bool(torch.isnan(q).any()) for q in grads[1:])
            r = max(rel(a, b, floor) for a, b in zip(grads, ref))
            if r != r or r > 1e-4:
                mismatch += 1
            if r == r:
                max_rel = max(max_rel, r)
        dt = (time.perf_counter() - t) / trials
        print(f"| {name} | {trials} | {nan_in} | {nan_w} | {mismatch} | {max_rel:.1e} | {dt:.3f} |")


if __name__ == '__main__':
    main()
