using System.Diagnostics;
using FaceBoost.Runtime;
using FaceBoost.Synthesis;
using TorchSharp;
using static TorchSharp.torch;
using FaceBoost.Nets.StyleGan;
using FaceBoost.Training;

namespace FaceBoost.Bench;

/// <summary>`gan`: images/s of a G step (non-saturating loss through D, backward, Adam) and a D step (logistic loss
/// on real+fake plus R1 with double backprop, Adam) at 32 px, CPU-sized widths; compare with bench/pytorch/gan_bench.py.</summary>
public sealed class GanBench : IBenchmark
{
    public string Name => "gan";
    public string Description => "StyleGAN2 G / D(+R1) step images/s at 32 px (vs bench/pytorch/gan_bench.py)";

    public int Run(string[] args)
    {
        var threads = args.Length > 0 ? int.Parse(args[0]) : 2;
        var iters = args.Length > 1 ? int.Parse(args[1]) : 10;
        TorchRuntime.Initialize(threads);
        torch.manual_seed(0);
        const int B = 16;
        var go = new GeneratorOptions(32, ZDim: 128, WDim: 128, MappingLayers: 8, ChannelBase: 2048, ChannelMax: 128);
        using var g = new StyleGenerator(go);
        using var d = new StyleDiscriminator(DiscriminatorOptions.MatchingGenerator(go));
        // TorchSharp's Adam, as GanTrainer uses until the shared optimizer base replaces it (docs/torchsharp-hazards.md).
#pragma warning disable RS0030
        using var optG = optim.Adam(g.parameters(), 0.002, 0, 0.99);
        using var optD = optim.Adam(d.parameters(), 0.0025, 0, 0.99);
#pragma warning restore RS0030
        using var half = 0.5.ToScalar();
        var real = rand(B, 3, 32, 32).mul(Scalars.Two).sub(Scalars.One);

        void GStep()
        {
            using (NewDisposeScope())
            {
                foreach (var p in d.parameters()) p.requires_grad = false;
                var img = g.Synthesis(g.Mapping(randn(B, 128)), NoiseMode.Random);
                var loss = StyleGanLoss.GeneratorLogistic(d.forward(img));
                optG.zero_grad(); loss.backward();
            }
            optG.step();
        }
        void DStep()
        {
            using (NewDisposeScope())
            {
                foreach (var p in d.parameters()) p.requires_grad = true;
                Tensor fake; using (no_grad()) fake = g.Synthesis(g.Mapping(randn(B, 128)), NoiseMode.Random);
                var loss = StyleGanLoss.DiscriminatorLogistic(d.forward(real), d.forward(fake));
                var (pen, _) = StyleGanLoss.R1Penalty(d, real);
                loss = loss.add(pen.mean().mul(half), Scalars.One);
                optD.zero_grad(); loss.backward();
            }
            optD.step();
        }
        double Time(Action a)
        {
            for (var i = 0; i < 2; i++) a();
            var sw = Stopwatch.StartNew();
            for (var i = 0; i < iters; i++) a();
            return B * iters / sw.Elapsed.TotalSeconds;
        }
        var gIps = Time(GStep);
        var dIps = Time(DStep);
        Console.WriteLine($"TorchSharp threads={threads} batch={B}: G step {gIps:F1} img/s, D step (+R1) {dIps:F1} img/s");
        return 0;
    }
}
