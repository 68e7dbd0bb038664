"""PyTorch side of `FaceBoost.Bench train`: images/s of one recognition training step with the same work as
FaceBoost's RecognitionTrainer — IResNet forward, ArcFace (s, m) logits and cross-entropy, backward, gradient
norm, SGD momentum step with weight decay off for BatchNorm/PReLU/bias, plus the batch accuracy.

  python3 train_bench.py --layers 50 --input-size 112 --width 64 --batch 16 --emb 512 --classes 1000 --threads 2 --steps 6

Prints one line ending in images/s. Random in-memory batches (no decoding), 2 warm-up steps.
"""
import argparse
import math
import os
import sys
import time

import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, os.path.dirname(__file__))
from iresnet_ref import IResNet  # noqa: E402
from bench_env import count_ops, count_train_flops, describe, result  # noqa: E402

LAYERS = {18: [2, 2, 2, 2], 34: [3, 4, 6, 3], 50: [3, 4, 14, 3], 100: [3, 13, 30, 3]}


class ArcFace(nn.Module):
    def __init__(self, emb, classes, s, m):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(classes, emb) * 0.01)
        self.s, self.m = s, m

    def forward(self, x, labels):
        cos = F.linear(F.normalize(x), F.normalize(self.weight)).clamp(-1 + 1e-7, 1 - 1e-7)
        target = cos.gather(1, labels[:, None])
        with_margin = torch.cos(torch.acos(target) + self.m)
        logits = cos.scatter(1, labels[:, None], with_margin)
        return logits * self.s, cos


def build_step(layers, input_size, width, batch, emb, classes):
    """The model and one training step (forward, ArcFace, cross-entropy, backward, gradient norm, SGD), as
    FaceBoost's RecognitionTrainer does it; returns (model, step)."""
    torch.manual_seed(0)
    model = IResNet(LAYERS[layers], width=width, input_size=input_size, num_features=emb)
    head = ArcFace(emb, classes, 64.0, 0.5)
    decay, no_decay = [], []
    for name, prm in list(model.named_parameters()) + list(head.named_parameters()):
        if not prm.requires_grad:
            continue
        (no_decay if prm.ndim <= 1 else decay).append(prm)
    opt = torch.optim.SGD([{'params': decay, 'weight_decay': 5e-4}, {'params': no_decay, 'weight_decay': 0.0}],
                          lr=0.01, momentum=0.9)
    images = torch.randn(batch, 3, input_size, input_size)
    labels = torch.randint(0, classes, (batch,))
    params = decay + no_decay
    model.train()

    def step():
        opt.zero_grad()
        logits, cos = head(model(images), labels)
        loss = F.cross_entropy(logits, labels)
        loss.item()
        loss.backward()
        with torch.no_grad():
            (cos.argmax(1) == labels).float().mean().item()
            norm = math.sqrt(sum(float(q.grad.pow(2).sum()) for q in params if q.grad is not None))
        opt.step()
        return norm

    return model, step


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--layers', type=int, default=50)
    p.add_argument('--input-size', type=int, default=112)
    p.add_argument('--width', type=int, default=64)
    p.add_argument('--batch', type=int, default=16)
    p.add_argument('--emb', type=int, default=512)
    p.add_argument('--classes', type=int, default=1000)
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--steps', type=int, default=6)
    p.add_argument('--count-ops', action='store_true', help='also count torch calls and ATen ops of one step')
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    print(describe())
    model, step = build_step(a.layers, a.input_size, a.width, a.batch, a.emb, a.classes)

    step()
    flops = count_train_flops(step, a.batch)
    if a.count_ops:
        calls, aten = count_ops(step)
        result("torch_calls_per_step", calls)
        result("aten_ops_per_step", aten)
    t = time.perf_counter()
    for _ in range(a.steps):
        step()
    dt = time.perf_counter() - t
    result("img_s", a.steps * a.batch / dt)
    result("train_flops_per_image", flops)
    print(f"iresnet{a.layers} {a.input_size}px width {a.width} batch {a.batch} threads {a.threads}: {a.steps * a.batch / dt:.2f}")


if __name__ == '__main__':
    main()
