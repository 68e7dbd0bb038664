"""PyTorch twin of FaceBoost's StyleGAN2 G/D (bench only): same layers, widths and step work as GanBench.cs.
Run: /usr/bin/python3 bench/pytorch/gan_bench.py [threads] [iters]"""
import math, sys, time
import torch
import torch.nn.functional as F
import os
sys.path.insert(0, os.path.dirname(__file__))
from bench_env import count_train_flops, describe, result  # noqa: E402

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
iters = int(sys.argv[2]) if len(sys.argv) > 2 else 10
torch.set_num_threads(threads)
print(describe())
torch.manual_seed(0)
B, R, Z, W, MAP, CBASE, CMAX = 16, 32, 128, 128, 8, 2048, 128
ch = lambda r: min(CBASE // r, CMAX)

class FC(torch.nn.Module):
    def __init__(s, i, o, lrelu=False, bias_init=0., lr=1.):
        super().__init__(); s.weight = torch.nn.Parameter(torch.randn(o, i) / lr); s.bias = torch.nn.Parameter(torch.full([o], float(bias_init)))
        s.wg, s.bg, s.lrelu = lr / math.sqrt(i), lr, lrelu
    def forward(s, x):
        y = F.linear(x, s.weight * s.wg, s.bias * s.bg)
        return F.leaky_relu(y, 0.2) * math.sqrt(2) if s.lrelu else y

def modconv(x, w, st, demod, pad):
    # stylegan2-ada's unfused modulated conv (its training path), as FaceBoost's generator runs it
    n, i = st.shape; o = w.shape[0]
    y = F.conv2d(x * st.reshape(n, i, 1, 1), w, padding=pad)
    if demod: y = y * (st.square() @ w.square().sum([2, 3]).t() + 1e-8).rsqrt().reshape(n, o, 1, 1)
    return y

up = lambda x: F.interpolate(x, scale_factor=2, mode='bilinear', align_corners=False)
def down(x):
    f = torch.tensor([1., 3, 3, 1]); k = (f[:, None] * f[None]) / 64
    n, c, h, w = x.shape
    y = F.conv2d(x.reshape(n * c, 1, h, w), k[None, None], stride=2, padding=1)
    return y.reshape(n, c, h // 2, w // 2)

class SynLayer(torch.nn.Module):
    def __init__(s, i, o, res, upsample):
        super().__init__(); s.affine = FC(W, i, bias_init=1); s.weight = torch.nn.Parameter(torch.randn(o, i, 3, 3))
        s.bias = torch.nn.Parameter(torch.zeros(o)); s.noise_strength = torch.nn.Parameter(torch.zeros([])); s.res, s.up = res, upsample
    def forward(s, x, w):
        if s.up: x = up(x)
        y = modconv(x, s.weight, s.affine(w), True, 1)
        y = y + torch.randn(y.shape[0], 1, s.res, s.res) * s.noise_strength
        return F.leaky_relu(y + s.bias.reshape(1, -1, 1, 1), 0.2) * math.sqrt(2)

class ToRGB(torch.nn.Module):
    def __init__(s, i):
        super().__init__(); s.affine = FC(W, i, bias_init=1); s.weight = torch.nn.Parameter(torch.randn(3, i, 1, 1)); s.bias = torch.nn.Parameter(torch.zeros(3)); s.g = 1 / math.sqrt(i)
    def forward(s, x, w): return modconv(x, s.weight, s.affine(w) * s.g, False, 0) + s.bias.reshape(1, -1, 1, 1)

class G(torch.nn.Module):
    def __init__(s):
        super().__init__(); s.fcs = torch.nn.ModuleList([FC(Z if i == 0 else W, W, True, lr=0.01) for i in range(MAP)])
        s.const = torch.nn.Parameter(torch.randn(ch(4), 4, 4)); s.blocks = torch.nn.ModuleList(); res = 4
        while res <= R:
            s.blocks.append(torch.nn.ModuleList(([] if res == 4 else [SynLayer(ch(res // 2), ch(res), res, True)]) + [SynLayer(ch(res), ch(res), res, False), ToRGB(ch(res))])); res *= 2
        s.num_ws = 2 * int(math.log2(R)) - 2
    def forward(s, z):
        x = z * (z.square().mean(1, keepdim=True) + 1e-8).rsqrt()
        for f in s.fcs: x = f(x)
        ws = x[:, None].repeat(1, s.num_ws, 1); x = s.const[None].repeat(z.shape[0], 1, 1, 1); img = None; k = 0
        for b in s.blocks:
            convs, rgb = b[:-1], b[-1]
            for j, c in enumerate(convs): x = c(x, ws[:, k + j])
            y = rgb(x, ws[:, k + len(convs)]); img = y if img is None else up(img) + y; k += len(convs)
        return img

class Conv(torch.nn.Module):
    def __init__(s, i, o, k, lrelu, dn=False, bias=True, gain=1.):
        super().__init__(); s.weight = torch.nn.Parameter(torch.randn(o, i, k, k)); s.bias = torch.nn.Parameter(torch.zeros(o)) if bias else None
        s.wg, s.lrelu, s.dn, s.pad, s.gain = 1 / math.sqrt(i * k * k), lrelu, dn, k // 2, gain
    def forward(s, x):
        if s.dn: x = down(x)
        y = F.conv2d(x, s.weight * s.wg, s.bias, padding=s.pad)
        return F.leaky_relu(y, 0.2) * math.sqrt(2) * s.gain if s.lrelu else y * s.gain

class D(torch.nn.Module):
    def __init__(s):
        super().__init__(); s.blocks = torch.nn.ModuleList(); res = R
        while res > 4:
            t, o = ch(res), ch(res // 2)
            s.blocks.append(torch.nn.ModuleList([Conv(3, t, 1, True) if res == R else torch.nn.Identity(), Conv(t, t, 3, True), Conv(t, o, 3, True, True, gain=math.sqrt(.5)), Conv(t, o, 1, False, True, False, math.sqrt(.5))])); res //= 2
        c = ch(4); s.conv = Conv(c + 1, c, 3, True); s.fc = FC(c * 16, c, True); s.out = FC(c, 1)
    def forward(s, x):
        for fr, c0, c1, sk in s.blocks:
            x = fr(x); y = sk(x); x = c1(c0(x)) + y
        n, c, h, w = x.shape; g = min(4, n)
        y = x.reshape(g, -1, 1, c, h, w); y = (y - y.mean(0)).square().mean(0); y = (y + 1e-8).sqrt().mean([2, 3, 4]).reshape(-1, 1, 1, 1).repeat(g, 1, h, w)
        x = s.conv(torch.cat([x, y], 1)); return s.out(s.fc(x.flatten(1)))

g, d = G(), D()
optG = torch.optim.Adam(g.parameters(), 0.002, betas=(0, 0.99)); optD = torch.optim.Adam(d.parameters(), 0.0025, betas=(0, 0.99))
real = torch.rand(B, 3, R, R) * 2 - 1

def gstep():
    d.requires_grad_(False); loss = F.softplus(-d(g(torch.randn(B, Z)))).mean(); optG.zero_grad(); loss.backward(); optG.step()
def dstep():
    d.requires_grad_(True)
    with torch.no_grad(): fake = g(torch.randn(B, Z))
    loss = F.softplus(d(fake)).mean() + F.softplus(-d(real)).mean()
    x = real.detach().requires_grad_(True); gr, = torch.autograd.grad(d(x).sum(), x, create_graph=True)
    loss = loss + gr.square().sum([1, 2, 3]).mean() * 0.5
    optD.zero_grad(); loss.backward(); optD.step()
def timeit(f):
    f(); flops = count_train_flops(f, B)
    key = 'g' if f is gstep else 'd'
    result(key + "_train_flops_per_image", flops)
    t = time.perf_counter()
    for _ in range(iters): f()
    return B * iters / (time.perf_counter() - t)
gi, di = timeit(gstep), timeit(dstep)
result("g_img_s", gi); result("d_img_s", di)
print(f"PyTorch {torch.__version__} threads={threads} batch={B}: G step {gi:.1f} img/s, D step (+R1) {di:.1f} img/s")
