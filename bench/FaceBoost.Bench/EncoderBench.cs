using System.Diagnostics;
using FaceBoost.Nets;
using FaceBoost.Runtime;
using FaceBoost.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Bench;

/// <summary>One pSp encoder training step (IR-SE-18, width 32, 64 px, W+ 10×128, batch 8) through a frozen
/// linear decoder, pixel L2, Adam — the same as bench/pytorch/encoder_bench.py. Args: [threads] [steps].</summary>
public sealed class EncoderBench : IBenchmark
{
    public string Name => "encoder";
    public string Description => "pSp encoder training step images/s (compare bench/pytorch/encoder_bench.py)";

    public int Run(string[] args)
    {
        var threads = args.Length > 0 ? int.Parse(args[0]) : 2;
        var steps = args.Length > 1 ? int.Parse(args[1]) : 10;
        TorchRuntime.Initialize(threads);
        const int size = 64, numWs = 10, wDim = 128, batch = 8;
        manual_seed(0);
        using var enc = new PspEncoder(new PspEncoderOptions(NumLayers: 18, Width: 32, InputSize: size, NumWs: numWs, WDim: wDim));
        using var decoder = nn.Linear(numWs * wDim, 3 * size * size);
        foreach (var p in decoder.parameters()) p.requires_grad = false;
        using var tenth = 0.1.ToScalar();
        var meanW = randn(wDim).mul(tenth);
        var avg = tanh(decoder.forward(meanW.repeat(numWs).unsqueeze(0))).reshape(1, 3, size, size);
        using var opt = new AdamOptimizer(ParameterOptimizer.ByIndex(enc.parameters()), 1e-4);
        var x = rand(batch, 3, size, size).mul(Scalars.Two).sub(Scalars.One);
        double Step()
        {
            using var scope = NewDisposeScope();
            opt.ZeroGrad();
            var ws = meanW.add(enc.forward(cat(new[] { x, avg.expand(batch, -1, -1, -1) }, 1)), Scalars.One);
            var recon = tanh(decoder.forward(ws.flatten(1))).reshape(batch, 3, size, size);
            var loss = nn.functional.mse_loss(recon, x);
            loss.backward();
            opt.Step();
            return loss.item<float>();
        }
        for (var i = 0; i < 3; i++) Step();
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < steps; i++) Step();
        var dt = sw.Elapsed.TotalSeconds;
        Console.WriteLine($"faceboost ({TorchRuntime.Describe()}, oneDNN {(OneDnnSwitch.Enabled is true ? "on" : "off")}): {batch * steps / dt:F2} images/s ({dt / steps * 1000:F1} ms/step)");
        return 0;
    }
}
