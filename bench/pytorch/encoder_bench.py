# PyTorch reference for `FaceBoost.Bench encoder`: one pSp BackboneEncoder training step (IR-SE body over
# image ⊕ average image, output_pool + EqualLinear head to W+, added to the mean latent), decoded by a frozen
# linear "generator" (W+ → image, tanh) so that only the encoder's cost is measured, pixel L2 loss, Adam.
# Same shapes as the C# bench. Usage: python3 encoder_bench.py [threads] [steps]
import os, sys, time, math
import torch
from torch import nn
sys.path.insert(0, os.path.dirname(__file__))
from bench_env import count_train_flops, describe, result  # noqa: E402

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
steps = int(sys.argv[2]) if len(sys.argv) > 2 else 10
torch.set_num_threads(threads)
print(describe())
torch.manual_seed(0)
DEPTH_UNITS = {18: [2, 2, 2, 2], 50: [3, 4, 14, 3]}
DEPTH, WIDTH, SIZE, NUM_WS, WDIM, BATCH = 18, 32, 64, 10, 128, 8


class SE(nn.Module):
    def __init__(self, c, r=16):
        super().__init__()
        self.avg_pool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Conv2d(c, max(1, c // r), 1, bias=False)
        self.relu = nn.ReLU()
        self.fc2 = nn.Conv2d(max(1, c // r), c, 1, bias=False)
        self.sigmoid = nn.Sigmoid()

    def forward(self, x):
        return x * self.sigmoid(self.fc2(self.relu(self.fc1(self.avg_pool(x)))))


class Unit(nn.Module):
    def __init__(self, i, d, s):
        super().__init__()
        self.shortcut_layer = nn.MaxPool2d(1, s) if i == d else nn.Sequential(nn.Conv2d(i, d, 1, s, bias=False), nn.BatchNorm2d(d))
        self.res_layer = nn.Sequential(nn.BatchNorm2d(i), nn.Conv2d(i, d, 3, 1, 1, bias=False), nn.PReLU(d),
                                       nn.Conv2d(d, d, 3, s, 1, bias=False), nn.BatchNorm2d(d), SE(d))

    def forward(self, x):
        return self.shortcut_layer(x) + self.res_layer(x)


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.input_layer = nn.Sequential(nn.Conv2d(6, WIDTH, 3, 1, 1, bias=False), nn.BatchNorm2d(WIDTH), nn.PReLU(WIDTH))
        mods, c = [], WIDTH
        for stage, n in enumerate(DEPTH_UNITS[DEPTH]):
            d = WIDTH * 2 ** stage
            for u in range(n):
                mods.append(Unit(c, d, 2 if u == 0 else 1))
                c = d
        self.body = nn.Sequential(*mods)
        self.output_pool = nn.AdaptiveAvgPool2d(1)
        self.weight = nn.Parameter(torch.randn(NUM_WS * WDIM, c))
        self.bias = nn.Parameter(torch.zeros(NUM_WS * WDIM))
        self.scale = 1 / math.sqrt(c)

    def forward(self, x):
        f = self.output_pool(self.body(self.input_layer(x))).flatten(1)
        return nn.functional.linear(f, self.weight * self.scale, self.bias).view(-1, NUM_WS, WDIM)


enc = Encoder()
decoder = nn.Linear(NUM_WS * WDIM, 3 * SIZE * SIZE).requires_grad_(False)
mean_w = torch.randn(WDIM) * 0.1
avg = torch.tanh(decoder(mean_w.repeat(NUM_WS)[None])).view(1, 3, SIZE, SIZE)
opt = torch.optim.Adam(enc.parameters(), lr=1e-4)
x = torch.rand(BATCH, 3, SIZE, SIZE) * 2 - 1


def step():
    opt.zero_grad()
    ws = mean_w + enc(torch.cat([x, avg.expand(BATCH, -1, -1, -1)], 1))
    recon = torch.tanh(decoder(ws.flatten(1))).view(BATCH, 3, SIZE, SIZE)
    loss = nn.functional.mse_loss(recon, x)
    loss.backward()
    opt.step()
    return loss.item()


for _ in range(2):
    step()
result("train_flops_per_image", count_train_flops(step, BATCH))
t = time.perf_counter()
for _ in range(steps):
    step()
dt = time.perf_counter() - t
result("img_s", BATCH * steps / dt)
print(f"pytorch {torch.__version__} threads {threads} mkldnn {torch.backends.mkldnn.enabled}: {BATCH * steps / dt:.2f} images/s ({dt / steps * 1000:.1f} ms/step)")
