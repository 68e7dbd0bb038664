using System.Diagnostics;
using System.Globalization;
using FaceBoost.Runtime;
using FaceBoost.Synthesis;
using TorchSharp;
using static TorchSharp.torch;
using FaceBoost.Nets.StyleGan;
using FaceBoost.Training;

namespace FaceBoost.Bench;

/// <summary>`gan`: images/s of a G step (non-saturating loss through D, backward, Adam) and a D step (logistic loss
/// on real+fake plus R1 with double backprop, Adam) at 32 px, CPU-sized widths, against the same layers and step work
/// in PyTorch (bench/pytorch/gan_bench.py), interleaved. Writes bench/results/gan-bench.md (gan.md keeps the sample
/// notes). Args: [repeats] [steps] [--threads N] [--capped].</summary>
public sealed class GanBench : IComparativeBench
{
    public string Name => "gan";
    public string Description => "StyleGAN2 G / D(+R1) step images/s at 32 px, vs gan_bench.py";

    private const int B = 16;

    public (int Repeats, int Steps) Defaults => (3, 10);
    public int Run(string[] args) => ComparativeBench.RunAlone(this, args);

    public void WriteReport(BenchOptions o, IReadOnlyList<Comparison> rows, string command)
    {
        var md = BenchReport.Header("StyleGAN2 G / D(+R1) step throughput: FaceBoost (TorchSharp) vs PyTorch",
            command, o);
        md += BenchReport.Table(rows, o.Capped);
        md += $"\n32 px, z/w 128, 8 mapping layers, channel base 2048 / max 128, batch {B}. G step = non-saturating loss " +
              "through a frozen D, backward, Adam; D step = logistic loss on real + fake (fake under no_grad) + R1 (γ/2 = 0.5, " +
              $"double backprop) every step, Adam. Each repeat: 2 warm-up steps, then {o.Steps} timed steps of G, then of D. " +
              "Training FLOPs per image counted by the twin from the conv/linear shapes (forward × 3 under autograd, × 1 " +
              "under no_grad; R1's double backward not counted beyond that), so % of peak understates the D step.\n";
        BenchReport.Write("gan-bench.md", md);
    }

    public IReadOnlyList<Comparison> Compare(BenchOptions o)
    {
        TorchRuntime.Initialize(o.Threads);
        Console.WriteLine("gan: G step, D step (+R1) at 32 px");
        using var steps = new Steps();
        var s = Interleaved.Run(o, () => new() { ["g_img_s"] = steps.Time(steps.G, o.Steps), ["d_img_s"] = steps.Time(steps.D, o.Steps) },
            capped => PyTwin.Run("gan_bench.py", capped, o.Threads.ToString(CultureInfo.InvariantCulture),
                o.Steps.ToString(CultureInfo.InvariantCulture)));
        return
        [
            new Comparison("gan", $"G step, 32 px, batch {B}", "img/s", true, s.Ours("g_img_s"), s.Theirs("g_img_s"), s.Capped("g_img_s"),
                s.Single("g_train_flops_per_image")),
            new Comparison("gan", $"D step + R1, 32 px, batch {B}", "img/s", true, s.Ours("d_img_s"), s.Theirs("d_img_s"), s.Capped("d_img_s"),
                s.Single("d_train_flops_per_image")),
        ];
    }

    /// <summary>The two networks, their optimisers and the two steps, built once for all repeats.</summary>
    private sealed class Steps : IDisposable
    {
        private readonly StyleGenerator _g;
        private readonly StyleDiscriminator _d;
        private readonly optim.Optimizer _optG, _optD;
        private readonly Tensor _real;

        public Steps()
        {
            torch.manual_seed(0);
            var go = new GeneratorOptions(32, ZDim: 128, WDim: 128, MappingLayers: 8, ChannelBase: 2048, ChannelMax: 128);
            _g = new StyleGenerator(go);
            _d = new StyleDiscriminator(DiscriminatorOptions.MatchingGenerator(go));
            // TorchSharp's Adam, as GanTrainer uses until the shared optimizer base replaces it (docs/torchsharp-hazards.md).
#pragma warning disable RS0030
            _optG = optim.Adam(_g.parameters(), 0.002, 0, 0.99);
            _optD = optim.Adam(_d.parameters(), 0.0025, 0, 0.99);
#pragma warning restore RS0030
            _real = rand(B, 3, 32, 32).mul(Scalars.Two).sub(Scalars.One);
        }

        public void G()
        {
            using (NewDisposeScope())
            {
                foreach (var p in _d.parameters()) p.requires_grad = false;
                var img = _g.Synthesis(_g.Mapping(randn(B, 128)), NoiseMode.Random);
                var loss = StyleGanLoss.GeneratorLogistic(_d.forward(img));
                _optG.zero_grad(); loss.backward();
            }
            _optG.step();
        }

        public void D()
        {
            using (NewDisposeScope())
            {
                foreach (var p in _d.parameters()) p.requires_grad = true;
                Tensor fake; using (no_grad()) fake = _g.Synthesis(_g.Mapping(randn(B, 128)), NoiseMode.Random);
                var loss = StyleGanLoss.DiscriminatorLogistic(_d.forward(_real), _d.forward(fake));
                var (pen, _) = StyleGanLoss.R1Penalty(_d, _real);
                loss = loss.add(pen.mean().mul(Scalars.Half), Scalars.One);
                _optD.zero_grad(); loss.backward();
            }
            _optD.step();
        }

        /// <summary>Images/s of <paramref name="iters"/> timed steps after 2 warm-up steps.</summary>
        public double Time(Action step, int iters)
        {
            for (var i = 0; i < 2; i++) step();
            var sw = Stopwatch.StartNew();
            for (var i = 0; i < iters; i++) step();
            return B * iters / sw.Elapsed.TotalSeconds;
        }

        public void Dispose()
        {
            _optG.Dispose(); _optD.Dispose(); _g.Dispose(); _d.Dispose(); _real.Dispose();
        }
    }
}
