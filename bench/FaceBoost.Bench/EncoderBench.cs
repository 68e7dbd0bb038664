using System.Diagnostics;
using System.Globalization;
using FaceBoost.Nets;
using FaceBoost.Runtime;
using FaceBoost.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Bench;

/// <summary>`encoder`: one pSp encoder training step (IR-SE-18, width 32, 64 px, W+ 10×128, batch 8) through a frozen
/// linear decoder, pixel L2, Adam, against the same step in PyTorch (bench/pytorch/encoder_bench.py), interleaved.
/// Writes bench/results/encoder.md. Args: [repeats] [steps] [--threads N] [--capped].</summary>
public sealed class EncoderBench : IComparativeBench
{
    public string Name => "encoder";
    public string Description => "pSp encoder training step images/s, vs encoder_bench.py";

    internal const int Size = 64, NumWs = 10, WDim = 128, Batch = 8;

    public (int Repeats, int Steps) Defaults => (3, 5);
    public int Run(string[] args) => ComparativeBench.RunAlone(this, args);

    public void WriteReport(BenchOptions o, IReadOnlyList<Comparison> rows, string command)
    {
        var md = BenchReport.Header("pSp encoder training step: FaceBoost (TorchSharp) vs PyTorch",
            command, o);
        md += BenchReport.Table(rows, o.Capped);
        md += $"\nOne training step of the pSp BackboneEncoder (IR-SE-18, base width 32, {Size} px input, 6 channels = image ⊕ " +
              $"average image, output_pool + EqualLinear head to W+ {NumWs}×{WDim}, added to the mean latent), decoded by a " +
              $"frozen linear \"generator\" (W+ → 3×{Size}×{Size}, tanh) so only the encoder is measured, pixel L2, Adam lr " +
              $"1e-4, batch {Batch}. Each repeat: 3 warm-up steps (FaceBoost; the twin: 2 + 1 counting FLOPs), then {o.Steps} " +
              "timed steps. Training FLOPs per image counted by the twin from the conv/linear shapes (forward × 3).\n";
        BenchReport.Write("encoder.md", md);
    }

    public IReadOnlyList<Comparison> Compare(BenchOptions o)
    {
        TorchRuntime.Initialize(o.Threads);
        Console.WriteLine("encoder: pSp IR-SE-18 step");
        using var step = new Step();
        var s = Interleaved.Run(o, () => new() { ["img_s"] = step.Time(o.Steps) },
            capped => PyTwin.Run("encoder_bench.py", capped, o.Threads.ToString(CultureInfo.InvariantCulture),
                o.Steps.ToString(CultureInfo.InvariantCulture)));
        return
        [
            new Comparison("encoder", $"pSp IR-SE-18 w32 @{Size}, batch {Batch}", "img/s", true, s.Ours("img_s"), s.Theirs("img_s"),
                s.Capped("img_s"), s.Single("train_flops_per_image")),
        ];
    }

    /// <summary>Encoder, frozen decoder, optimiser and batch, built once for all repeats (the encoder in the layout
    /// EncoderTrainer uses).</summary>
    internal sealed class Step : IDisposable
    {
        private readonly PspEncoder _enc;
        private readonly nn.Module<Tensor, Tensor> _decoder;
        private readonly Tensor _meanW, _avg, _x;
        private readonly AdamOptimizer _opt;

        public Step()
        {
            manual_seed(0);
            _enc = new PspEncoder(new PspEncoderOptions(NumLayers: 18, Width: 32, InputSize: Size, NumWs: NumWs, WDim: WDim));
            ChannelsLast.Apply(_enc); // as EncoderTrainer does (FACEBOOST_CHANNELS_LAST=0: NCHW)
            _decoder = nn.Linear(NumWs * WDim, 3 * Size * Size);
            foreach (var p in _decoder.parameters()) p.requires_grad = false;
            using var tenth = 0.1.ToScalar();
            using (var scope = NewDisposeScope())
            {
                _meanW = randn(WDim).mul(tenth).MoveToOuterDisposeScope();
                _avg = tanh(_decoder.forward(_meanW.repeat(NumWs).unsqueeze(0))).reshape(1, 3, Size, Size).detach().MoveToOuterDisposeScope();
                _x = rand(Batch, 3, Size, Size).mul(Scalars.Two).sub(Scalars.One).MoveToOuterDisposeScope();
            }
            _opt = new AdamOptimizer(ParameterOptimizer.ByIndex(_enc.parameters()), 1e-4);
        }

        private float Once()
        {
            using var scope = NewDisposeScope();
            _opt.ZeroGrad();
            var ws = _meanW.add(_enc.forward(cat(new[] { _x, _avg.expand(Batch, -1, -1, -1) }, 1)), Scalars.One);
            var recon = tanh(_decoder.forward(ws.flatten(1))).reshape(Batch, 3, Size, Size);
            var loss = nn.functional.mse_loss(recon, _x);
            loss.backward();
            _opt.Step();
            return loss.item<float>();
        }

        /// <summary>Images/s of <paramref name="steps"/> timed steps after 3 warm-up steps.</summary>
        public double Time(int steps)
        {
            for (var i = 0; i < 3; i++) Once();
            var sw = Stopwatch.StartNew();
            for (var i = 0; i < steps; i++) Once();
            return Batch * steps / sw.Elapsed.TotalSeconds;
        }

        public void Dispose()
        {
            _opt.Dispose(); _enc.Dispose(); _decoder.Dispose(); _meanW.Dispose(); _avg.Dispose(); _x.Dispose();
        }
    }
}
