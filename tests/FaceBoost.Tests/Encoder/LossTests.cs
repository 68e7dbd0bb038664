using System.Diagnostics;
using FaceBoost.Losses;
using FaceBoost.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Tests.Encoder;

public sealed class LossTests
{
    public LossTests() => TorchRuntime.Initialize(2);

    [Fact]
    public void MsSsimIsOneForIdenticalImagesAndFallsWithNoise()
    {
        manual_seed(1);
        // A smooth random image: upsampled noise looks more like a face than white noise does.
        var img = nn.functional.interpolate(rand(2, 3, 8, 8) * 2 - 1, new long[] { 32, 32 }, mode: InterpolationMode.Bilinear);
        Assert.InRange(MsSsim.PerImage(img, img).min().item<float>(), 0.9999f, 1.0001f);
        var previous = 1.0f;
        foreach (var sigma in new[] { 0.05, 0.2, 0.6 })
        {
            var noisy = (img + randn_like(img) * sigma).clamp(-1, 1);
            var s = MsSsim.PerImage(noisy, img).mean().item<float>();
            Assert.True(s < previous - 0.001, $"MS-SSIM {s} at noise {sigma} should be below {previous}");
            previous = s;
        }
        Assert.True(previous < 0.85f, $"heavy noise should drop MS-SSIM well below 1, got {previous}");
        Assert.Equal(3, MsSsim.Levels(32));
        Assert.Equal(4, MsSsim.Levels(112));
    }

    [Fact]
    public void MsSsimLossHasGradient()
    {
        var a = (rand(1, 3, 32, 32) * 2 - 1).requires_grad_(true);
        var b = rand(1, 3, 32, 32) * 2 - 1;
        MsSsim.Loss(a, b).backward();
        Assert.True(a.grad!.abs().sum().item<float>() > 0);
        Assert.False(a.grad!.isnan().any().item<bool>());
    }

    [Fact]
    public void WNormIsZeroAtTheMean()
    {
        var mean = randn(16);
        var ws = mean.reshape(1, 1, 16).expand(3, 5, 16);
        Assert.Equal(0f, WNormLoss.Compute(ws, mean).item<float>(), 5);
        Assert.True(WNormLoss.Compute(ws + 1, mean).item<float>() > 8.9f); // √(5·16) ≈ 8.94
    }

    [Fact]
    public void ReconstructionLossWeightsEachTerm()
    {
        var a = rand(2, 3, 32, 32) * 2 - 1;
        var b = rand(2, 3, 32, 32) * 2 - 1;
        var mean = zeros(8);
        var ws = ones(2, 4, 8);
        using var loss = new ReconstructionLoss(new ReconstructionWeights(L2: 1, Perceptual: 0.5, WNorm: 0.1));
        var (total, t) = loss.Compute(a, b, ws, mean);
        Assert.Equal(t.L2 + 0.5 * t.Perceptual + 0.1 * t.WNorm, t.Total, 4);
        Assert.Equal(t.Total, total.item<float>(), 4);
        Assert.Equal("ms-ssim", loss.PerceptualKind);
    }

    /// <summary>Random LPIPS-AlexNet weights saved by PyTorch must load by name and give PyTorch's distance.</summary>
    [SkippableFact]
    public void LpipsLoadsPyTorchWeightsAndMatchesPyTorch()
    {
        var dir = Directory.CreateTempSubdirectory("fb-lpips").FullName;
        var script = Path.Combine(dir, "lpips_reference.py");
        File.WriteAllText(script, LpipsReferenceScript);
        var weights = Path.Combine(dir, "lpips.pth");
        var probe = Path.Combine(dir, "probe.pth");
        var ok = RunPython(script, weights, probe, out var log);
        Skip.IfNot(ok, "python3 with torch is not available to write reference LPIPS weights: " + log);
        using var lpips = LpipsAlex.Load(weights);
        using var stream = File.OpenRead(probe);
        var dict = TorchSharp.PyBridge.PyTorchUnpickler.UnpickleStateDict(stream);
        var x = (Tensor)dict["x"]!; var y = (Tensor)dict["y"]!; var expected = (Tensor)dict["d"]!;
        var got = lpips.forward(x, y);
        Assert.True(allclose(got, expected, rtol: 1e-4, atol: 1e-6), $"LPIPS {got.str()} vs PyTorch {expected.str()}");
        Assert.Equal(0f, lpips.forward(x, x).abs().max().item<float>(), 6);
        Directory.Delete(dir, true);
    }

    [Fact]
    public void LpipsRejectsIncompleteWeights()
    {
        var path = Path.Combine(Path.GetTempPath(), $"fb-lpips-partial-{Guid.NewGuid():N}.pth");
        using (var s = File.Create(path))
            TorchSharp.PyBridge.PyTorchPickler.PickleStateDict(s, new Dictionary<string, Tensor> { ["lin0.model.1.weight"] = zeros(1, 64, 1, 1) });
        var ex = Assert.Throws<InvalidDataException>(() => LpipsAlex.Load(path));
        Assert.Contains("net.slice1.0.weight", ex.Message);
        File.Delete(path);
    }

    internal static bool RunPython(string script, string a, string b, out string log)
    {
        const string python = "/usr/bin/python3";
        if (!File.Exists(python)) { log = "no /usr/bin/python3"; return false; }
        var psi = new ProcessStartInfo(python, [script, a, b]) { RedirectStandardError = true, RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        log = output + err.Result;
        return p.ExitCode == 0;
    }

    /// <summary>Random LPIPS-AlexNet weights laid out as the `lpips` package, plus a probe computed by PyTorch.</summary>
    private const string LpipsReferenceScript = """
# Writes random LPIPS-AlexNet weights laid out as the `lpips` package (net.sliceK.I.*, linK.model.1.weight)
# and a probe (x, y, distance) computed by PyTorch, for FaceBoost's LPIPS loading test.
import sys
import torch
from torch import nn

torch.set_num_threads(1)
torch.manual_seed(0)


class Lin(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.model = nn.Sequential(nn.Dropout(), nn.Conv2d(c, 1, 1, bias=False))


class Alex(nn.Module):
    def __init__(self):
        super().__init__()
        f = [nn.Conv2d(3, 64, 11, 4, 2), nn.ReLU(), nn.MaxPool2d(3, 2), nn.Conv2d(64, 192, 5, padding=2), nn.ReLU(),
             nn.MaxPool2d(3, 2), nn.Conv2d(192, 384, 3, padding=1), nn.ReLU(), nn.Conv2d(384, 256, 3, padding=1), nn.ReLU(),
             nn.Conv2d(256, 256, 3, padding=1), nn.ReLU()]
        cuts = [(0, 2), (2, 5), (5, 8), (8, 10), (10, 12)]
        for k, (a, b) in enumerate(cuts):
            s = nn.Sequential()
            for i in range(a, b):
                s.add_module(str(i), f[i])
            setattr(self, f"slice{k + 1}", s)


class Lpips(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = Alex()
        for k, c in enumerate([64, 192, 384, 256, 256]):
            setattr(self, f"lin{k}", Lin(c))
            with torch.no_grad():
                getattr(self, f"lin{k}").model[1].weight.abs_()
        self.register_buffer("shift", torch.tensor([-.030, -.088, -.188]).view(1, 3, 1, 1))
        self.register_buffer("scale", torch.tensor([.458, .448, .450]).view(1, 3, 1, 1))

    def forward(self, x, y):
        x, y = (x - self.shift) / self.scale, (y - self.shift) / self.scale
        total = 0
        for k in range(5):
            x = getattr(self.net, f"slice{k + 1}")(x)
            y = getattr(self.net, f"slice{k + 1}")(y)
            nx = x / (x.pow(2).sum(1, keepdim=True).sqrt() + 1e-10)
            ny = y / (y.pow(2).sum(1, keepdim=True).sqrt() + 1e-10)
            total = total + getattr(self, f"lin{k}").model((nx - ny) ** 2).mean([1, 2, 3])
        return total


m = Lpips().eval()
state = {k: v for k, v in m.state_dict().items() if k not in ("shift", "scale")}
torch.save(state, sys.argv[1])
x = torch.rand(2, 3, 48, 48) * 2 - 1
y = torch.rand(2, 3, 48, 48) * 2 - 1
with torch.no_grad():
    d = m(x, y)
torch.save({"x": x, "y": y, "d": d}, sys.argv[2])
""";
}
