"""Minimal insightface arcface_torch iresnet, as reference for FaceBoost's weight import/export.

Same module tree and state-dict keys as insightface's `backbones/iresnet.py` (conv1, bn1, prelu,
layer1..4 of IBasicBlock{bn1, conv1, bn2, prelu, conv2, bn3, downsample.0/.1}, bn2, dropout, fc,
features). Generalised only by `width` (64 in insightface) and `input_size` (112) so tests can use
narrow CPU-sized nets; with width=64, input_size=112 it is insightface's network.

  make   --layers 2,2,2,2 --width 16 --input-size 112 --emb 128 --out backbone.pth   (random weights, randomised BN statistics)
  embed  --layers ... --weights backbone.pth --input x.f32 --output e.f32            (strict load_state_dict; eval-mode forward)

Input/output files are raw little-endian float32 (N×3×S×S and N×E).
"""
import argparse
import numpy as np
import torch
from torch import nn

torch.set_num_threads(2)


def conv3x3(i, o, stride=1):
    return nn.Conv2d(i, o, 3, stride=stride, padding=1, bias=False)


class IBasicBlock(nn.Module):
    expansion = 1

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(inplanes, eps=1e-05)
        self.conv1 = conv3x3(inplanes, planes)
        self.bn2 = nn.BatchNorm2d(planes, eps=1e-05)
        self.prelu = nn.PReLU(planes)
        self.conv2 = conv3x3(planes, planes, stride)
        self.bn3 = nn.BatchNorm2d(planes, eps=1e-05)
        self.downsample = downsample

    def forward(self, x):
        identity = x
        out = self.bn3(self.conv2(self.prelu(self.bn2(self.conv1(self.bn1(x))))))
        if self.downsample is not None:
            identity = self.downsample(x)
        return out + identity


class IResNet(nn.Module):
    def __init__(self, layers, width=64, input_size=112, num_features=512, dropout=0.0):
        super().__init__()
        self.inplanes = width
        self.conv1 = nn.Conv2d(3, width, 3, stride=1, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(width, eps=1e-05)
        self.prelu = nn.PReLU(width)
        self.layer1 = self._make_layer(width, layers[0])
        self.layer2 = self._make_layer(width * 2, layers[1])
        self.layer3 = self._make_layer(width * 4, layers[2])
        self.layer4 = self._make_layer(width * 8, layers[3])
        self.bn2 = nn.BatchNorm2d(width * 8, eps=1e-05)
        self.dropout = nn.Dropout(p=dropout, inplace=True)
        s = input_size // 16
        self.fc = nn.Linear(width * 8 * s * s, num_features)
        self.features = nn.BatchNorm1d(num_features, eps=1e-05)
        nn.init.constant_(self.features.weight, 1.0)
        self.features.weight.requires_grad = False

    def _make_layer(self, planes, blocks, stride=2):
        downsample = nn.Sequential(nn.Conv2d(self.inplanes, planes, 1, stride=stride, bias=False),
                                   nn.BatchNorm2d(planes, eps=1e-05))
        layers = [IBasicBlock(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes
        layers += [IBasicBlock(planes, planes) for _ in range(1, blocks)]
        return nn.Sequential(*layers)

    def forward(self, x):
        x = self.prelu(self.bn1(self.conv1(x)))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        x = torch.flatten(self.bn2(x), 1)
        x = self.dropout(x)
        return self.features(self.fc(x))


def build(a):
    return IResNet([int(v) for v in a.layers.split(',')], a.width, a.input_size, a.emb)


def main():
    p = argparse.ArgumentParser()
    p.add_argument('mode', choices=['make', 'embed'])
    p.add_argument('--layers', default='2,2,2,2')
    p.add_argument('--width', type=int, default=64)
    p.add_argument('--input-size', type=int, default=112)
    p.add_argument('--emb', type=int, default=512)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--out')
    p.add_argument('--weights')
    p.add_argument('--input')
    p.add_argument('--output')
    a = p.parse_args()
    torch.manual_seed(a.seed)
    model = build(a)
    if a.mode == 'make':
        # Non-trivial BN statistics and PReLU slopes, so the import is tested on every tensor kind.
        with torch.no_grad():
            for m in model.modules():
                if isinstance(m, (nn.BatchNorm2d, nn.BatchNorm1d)):
                    m.running_mean.uniform_(-0.1, 0.1)
                    m.running_var.uniform_(0.5, 1.5)
                    m.bias.uniform_(-0.1, 0.1)
                    if m is not model.features:
                        m.weight.uniform_(0.8, 1.2)
                elif isinstance(m, nn.PReLU):
                    m.weight.uniform_(0.1, 0.4)
                elif isinstance(m, nn.Conv2d):
                    nn.init.kaiming_normal_(m.weight)
            # Calibrate BN running statistics on random inputs (cumulative average), as training would,
            # so activations and embeddings have a realistic O(1) scale.
            bns = [m for m in model.modules() if isinstance(m, (nn.BatchNorm2d, nn.BatchNorm1d))]
            for m in bns:
                m.reset_running_stats()
                m.momentum = None
            model.train()
            for _ in range(2):
                model(torch.randn(8, 3, a.input_size, a.input_size))
            for m in bns:
                m.momentum = 0.1
                m.num_batches_tracked.fill_(7)
        torch.save(model.state_dict(), a.out)
        print(f'saved {sum(t.numel() for t in model.state_dict().values())} values in {len(model.state_dict())} tensors to {a.out}')
        return
    sd = torch.load(a.weights, map_location='cpu')
    model.load_state_dict(sd, strict=True)
    model.eval()
    s = a.input_size
    x = torch.from_numpy(np.fromfile(a.input, dtype='<f4').reshape(-1, 3, s, s).copy())
    with torch.no_grad():
        e = model(x)
    e.numpy().astype('<f4').tofile(a.output)
    print(f'embedded {x.shape[0]} inputs -> {tuple(e.shape)}')


if __name__ == '__main__':
    main()
