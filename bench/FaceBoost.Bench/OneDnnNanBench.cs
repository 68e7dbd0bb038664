// This bench measures the Scalar hazard itself: its "implicit" mode makes unheld Scalars on purpose.
#pragma warning disable RS0030
using System.Diagnostics;
using System.Globalization;
using FaceBoost.Nets;
using FaceBoost.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Bench;

/// <summary>`onednn-nan`: counts NaN gradients of conv forward+backward passes with oneDNN on, uncapped, and compares
/// every pass with the native ATen kernels on the same inputs. Cases: the small net that once showed NaN (conv3×3 →
/// conv3×3/2 plus a 1×1/2 shortcut), one 3×3 conv 64→64 at 56 px batch 32, and an IResNet-18 width 16 at 32 px.
/// Hazard modes: `held` (every Scalar held, temporaries in dispose scopes, one managed thread), `implicit`
/// (implicit Scalars and unreferenced temporaries, as TorchSharp's operators make them), `gc` (held, with a background
/// thread allocating and calling GC.Collect), `implicit-gc` (both). Two more cases are the paths that once NaN'd in
/// training with oneDNN on: `r1` (the GAN's R1 penalty: a double backward through two convs) and `frozen` (transfer:
/// a trainable 6-channel input conv under a frozen conv body, so the body's convs compute input gradients only). The PyTorch twin is bench/pytorch/onednn_nan.py.
/// Args: [case small|conv64|iresnet18|r1|frozen|all] [mode held|implicit|gc|implicit-gc|all] [trials] [threads] [onednn on|off].
/// Runs libtorch without <see cref="TorchRuntime"/> so no ISA cap and no default switch applies.</summary>
public sealed class OneDnnNanBench : IBenchmark
{
    public string Name => "onednn-nan";
    public string Description => "NaN count of conv backward with oneDNN on (uncapped), per hazard mode (vs onednn_nan.py)";

    private static readonly Scalar Half = 0.5.ToScalar();
    private static readonly Scalar Two = 2.0.ToScalar();
    private static readonly Scalar One = 1.0.ToScalar();
    private static readonly Scalar MinusOne = (-1.0).ToScalar();
    private static readonly Scalar Quarter = 0.25.ToScalar();
    private static readonly Scalar Tenth = 0.1.ToScalar();
    private static readonly Scalar Twentieth = 0.05.ToScalar();
    private static readonly Scalar Slope = 0.2.ToScalar();

    public int Run(string[] args)
    {
        var which = args.Length > 0 ? args[0] : "small";
        var modeArg = args.Length > 1 ? args[1] : "all";
        var trials = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 50;
        var threads = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 2;
        var onednn = args.Length <= 4 || args[4] != "off";

        using (torch.zeros(1)) { }
        OneDnnSwitch.TrySetNnpack(false);
        torch.set_num_threads(threads);
        Console.WriteLine(BenchMachine.Describe());
        Console.WriteLine($"ONEDNN_MAX_CPU_ISA={Environment.GetEnvironmentVariable("ONEDNN_MAX_CPU_ISA") ?? "(unset)"}, " +
                          $"libtorch {torch.__version__}, intra-op threads {torch.get_num_threads()}, oneDNN under test: {(onednn ? "on" : "off")}");

        string[] cases = which == "all" ? ["small", "conv64", "iresnet18", "r1", "frozen"] : [which];
        string[] modes = modeArg == "all" ? ["held", "implicit", "gc", "implicit-gc"] : modeArg.Split(',');
        Console.WriteLine("| case | mode | trials | NaN input grad | NaN weight grad | passes ≠ ATen (rel > 1e-4) | libtorch errors | max rel diff | s/trial |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var c in cases)
            foreach (var m in modes)
            {
                var r = RunCase(c, m, trials, onednn);
                Console.WriteLine($"| {c} | {m} | {trials} | {r.NanInput} | {r.NanWeight} | {r.Mismatch} | {r.Errors} | {r.MaxRel:E1} | {r.Seconds / trials:F3} |");
                if (r.FirstError is not null) Console.WriteLine($"  first libtorch error: {r.FirstError}");
            }
        OneDnnSwitch.TrySet(true);
        return 0;
    }

    private sealed record Result(int NanInput, int NanWeight, int Mismatch, int Errors, string? FirstError, double MaxRel, double Seconds);

    /// <summary>A case builds its inputs once; Pass runs forward+backward under the current kernel setting and returns
    /// the input gradient then the weight gradients (detached copies, owned by the caller).</summary>
    private interface ICase : IDisposable
    {
        Tensor[] Pass(bool implicitScalars);
    }

    private static Result RunCase(string name, string mode, int trials, bool onednn)
    {
        manual_seed(0);
        using ICase c = name switch
        {
            "small" => new SmallNet(),
            "conv64" => new Conv64(),
            "iresnet18" => new IResNet18(),
            "r1" => new R1Penalty(),
            "frozen" => new FrozenBody(),
            _ => throw new ArgumentException($"unknown case '{name}' (small|conv64|iresnet18|r1|frozen|all)"),
        };
        var implicitScalars = mode is "implicit" or "implicit-gc";
        var pressure = mode is "gc" or "implicit-gc";

        OneDnnSwitch.TrySet(false);
        var reference = c.Pass(false);
        OneDnnSwitch.TrySet(onednn);
        // A gradient that is ~0 by construction (a bias before BatchNorm) is compared against 1e-3 of the largest one.
        var floor = 1e-3 * reference.Max(MaxAbs);

        using var stop = new CancellationTokenSource();
        var churn = pressure ? new Thread(() => Churn(stop.Token)) { IsBackground = true } : null;
        churn?.Start();
        int nanIn = 0, nanW = 0, mismatch = 0, errors = 0;
        string? firstError = null;
        double maxRel = 0;
        var sw = Stopwatch.StartNew();
        for (var t = 0; t < trials; t++)
        {
            Tensor[] grads;
            try { grads = c.Pass(implicitScalars); }
            catch (System.Runtime.InteropServices.ExternalException ex)
            {
                // A finalized implicit Scalar read by libtorch: counted, the pass has no gradients.
                errors++;
                firstError ??= ex.Message.Split('\n')[0];
                continue;
            }
            try
            {
                if (HasNan(grads[0])) nanIn++;
                if (grads.Skip(1).Any(HasNan)) nanW++;
                var rel = grads.Zip(reference, (a, b) => RelativeDiff(a, b, floor)).Max();
                if (double.IsNaN(rel) || rel > 1e-4) mismatch++;
                if (!double.IsNaN(rel)) maxRel = Math.Max(maxRel, rel);
            }
            finally
            {
                foreach (var g in grads) g.Dispose();
            }
        }
        var seconds = sw.Elapsed.TotalSeconds;
        stop.Cancel();
        churn?.Join();
        foreach (var g in reference) g.Dispose();
        OneDnnSwitch.TrySet(true);
        return new Result(nanIn, nanW, mismatch, errors, firstError, maxRel, seconds);
    }

    /// <summary>Allocates garbage and forces collections so finalizers run while the main thread is inside libtorch.</summary>
    private static void Churn(CancellationToken stop)
    {
        var keep = new object[64];
        var i = 0;
        while (!stop.IsCancellationRequested)
        {
            keep[i++ % keep.Length] = new byte[64 * 1024];
            if (i % 16 == 0) { GC.Collect(); GC.WaitForPendingFinalizers(); }
        }
    }

    private static bool HasNan(Tensor t)
    {
        using var n = isnan(t);
        using var any = n.any();
        return any.item<bool>();
    }

    private static double MaxAbs(Tensor t)
    {
        using var scope = NewDisposeScope();
        return t.abs().max().item<float>();
    }

    /// <summary>max |a − b| / max(max |b|, floor); NaN when a has a NaN.</summary>
    internal static double RelativeDiff(Tensor a, Tensor b, double floor)
    {
        using var scope = NewDisposeScope();
        var num = a.add(b, MinusOne).abs().max().item<float>();
        return num / Math.Max(MaxAbs(b), Math.Max(floor, 1e-12));
    }

    private static Tensor[] Detached(params Tensor[] ts) => ts.Select(t => t.grad!.detach().clone().MoveToOuterDisposeScope()).ToArray();

    /// <summary>conv3×3 16→32 → ReLU → conv3×3/2 32→32, plus a 1×1/2 shortcut 16→32; batch 8 at 32 px.</summary>
    private sealed class SmallNet : ICase
    {
        private readonly Tensor _x = randn(8, 16, 32, 32);
        private readonly Tensor _w1 = randn(32, 16, 3, 3).mul_(Tenth);
        private readonly Tensor _w2 = randn(32, 32, 3, 3).mul_(Twentieth);
        private readonly Tensor _ws = randn(32, 16, 1, 1).mul_(Quarter);
        private readonly Tensor _g = randn(8, 32, 16, 16);

        public Tensor[] Pass(bool implicitScalars)
        {
            using var scope = NewDisposeScope();
            using var x = _x.detach().requires_grad_();
            using var w1 = _w1.detach().requires_grad_();
            using var w2 = _w2.detach().requires_grad_();
            using var ws = _ws.detach().requires_grad_();
            Tensor loss;
            if (implicitScalars)
            {
                // TorchSharp operators: implicit alpha / double Scalars and unreferenced temporaries.
                var h = nn.functional.relu(nn.functional.conv2d(x * 1.0, w1 * 2.0 * 0.5, padding: [1, 1]));
                var y = nn.functional.conv2d(h, w2, strides: [2, 2], padding: [1, 1]) + nn.functional.conv2d(x, ws, strides: [2, 2]);
                loss = (y * _g * 0.5).sum() * 2.0;
            }
            else
            {
                var h = nn.functional.relu(nn.functional.conv2d(x, w1, padding: [1, 1]));
                var main = nn.functional.conv2d(h, w2, strides: [2, 2], padding: [1, 1]);
                var shortcut = nn.functional.conv2d(x, ws, strides: [2, 2]);
                var y = main.add(shortcut, One);
                loss = y.mul(_g).mul(Half).sum().mul(Two);
            }
            loss.backward();
            return Detached(x, w1, w2, ws);
        }

        public void Dispose()
        {
            foreach (var t in new[] { _x, _w1, _w2, _ws, _g }) t.Dispose();
        }
    }

    /// <summary>One 3×3 conv 64→64, 56 px, batch 32 (the compute-limit shape).</summary>
    private sealed class Conv64 : ICase
    {
        private readonly Tensor _x = randn(32, 64, 56, 56);
        private readonly Tensor _w = randn(64, 64, 3, 3).mul_(Twentieth);
        private readonly Tensor _g = randn(32, 64, 56, 56);

        public Tensor[] Pass(bool implicitScalars)
        {
            using var scope = NewDisposeScope();
            using var x = _x.detach().requires_grad_();
            using var w = _w.detach().requires_grad_();
            var y = implicitScalars
                ? nn.functional.conv2d(x * 1.0, w, padding: [1, 1]) * 0.5
                : nn.functional.conv2d(x, w, padding: [1, 1]).mul(Half);
            var loss = implicitScalars ? (y * _g).sum() : y.mul(_g).sum();
            loss.backward();
            return Detached(x, w);
        }

        public void Dispose()
        {
            foreach (var t in new[] { _x, _w, _g }) t.Dispose();
        }
    }

    /// <summary>FaceBoost's IResNet-18, width 16, 32 px, embedding 64, batch 64, train mode (the CPU-scale train step's
    /// backbone). Mode decides only the loss arithmetic; the network code is FaceBoost's own.</summary>
    private sealed class IResNet18 : ICase
    {
        private readonly FaceBackbone _net = BackboneFactory.Create(new BackboneOptions
            { Name = "iresnet18", InputSize = 32, BaseWidth = 16, EmbeddingSize = 64 });
        private readonly Tensor _x = randn(64, 3, 32, 32);
        private readonly Tensor _g = randn(64, 64);
        private readonly Dictionary<string, Tensor> _state;

        public IResNet18()
        {
            _net.train();
            // Train-mode BatchNorm updates running stats each pass; reset them so every pass sees the same net.
            _state = _net.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
        }

        public Tensor[] Pass(bool implicitScalars)
        {
            using var scope = NewDisposeScope();
            using (no_grad())
                foreach (var (k, v) in _net.state_dict()) v.copy_(_state[k]);
            _net.zero_grad();
            using var x = _x.detach().requires_grad_();
            var emb = _net.forward(x);
            var loss = implicitScalars ? (emb * _g * 0.5).sum() : emb.mul(_g).mul(Half).sum();
            loss.backward();
            var grads = new List<Tensor> { x.grad!.detach().clone() };
            grads.AddRange(_net.parameters().Where(p => p.grad is not null).Select(p => p.grad!.detach().clone()));
            foreach (var g in grads) g.MoveToOuterDisposeScope();
            return grads.ToArray();
        }

        public void Dispose()
        {
            _net.Dispose();
            _x.Dispose();
            _g.Dispose();
            foreach (var v in _state.Values) v.Dispose();
        }
    }
    /// <summary>R1 as in StyleGanLoss: conv3×3 3→32 → leaky ReLU → conv3×3/2 32→64 → leaky ReLU → conv3×3/2 64→1,
    /// logits summed; penalty = |∂logits/∂x|² (create_graph), backpropagated to the weights. Batch 8 at 32 px.</summary>
    private sealed class R1Penalty : ICase
    {
        private readonly Tensor _x = randn(8, 3, 32, 32);
        private readonly Tensor _w1 = randn(32, 3, 3, 3).mul_(Quarter);
        private readonly Tensor _w2 = randn(64, 32, 3, 3).mul_(Twentieth);
        private readonly Tensor _w3 = randn(1, 64, 3, 3).mul_(Twentieth);

        public Tensor[] Pass(bool implicitScalars)
        {
            using var scope = NewDisposeScope();
            using var x = _x.detach().requires_grad_();
            using var w1 = _w1.detach().requires_grad_();
            using var w2 = _w2.detach().requires_grad_();
            using var w3 = _w3.detach().requires_grad_();
            var h = nn.functional.conv2d(x, w1, padding: [1, 1]).leaky_relu(Slope);
            h = nn.functional.conv2d(h, w2, strides: [2, 2], padding: [1, 1]).leaky_relu(Slope);
            var logits = nn.functional.conv2d(h, w3, strides: [2, 2], padding: [1, 1]);
            var g = torch.autograd.grad([logits.sum()], [x], retain_graph: true, create_graph: true)[0];
            var penalty = implicitScalars ? g.square().sum() * 0.5 : g.mul(g).sum().mul(Half); // square() is pow(2): an unheld Scalar
            penalty.backward();
            return Detached(w1, w2, w3);
        }

        public void Dispose()
        {
            foreach (var t in new[] { _x, _w1, _w2, _w3 }) t.Dispose();
        }
    }

    /// <summary>Transfer with a frozen body: a trainable conv3×3 6→16 input layer (input needs no gradient) → ReLU →
    /// frozen conv3×3 16→32 → ReLU → frozen conv3×3/2 32→32; the body's convs compute only input gradients and the
    /// input layer only its weight gradient. Batch 16 at 32 px.</summary>
    private sealed class FrozenBody : ICase
    {
        private readonly Tensor _x = randn(16, 6, 32, 32);
        private readonly Tensor _w0 = randn(16, 6, 3, 3).mul_(Quarter);
        private readonly Tensor _wb1 = randn(32, 16, 3, 3).mul_(Tenth);
        private readonly Tensor _wb2 = randn(32, 32, 3, 3).mul_(Twentieth);
        private readonly Tensor _g = randn(16, 32, 16, 16);

        public Tensor[] Pass(bool implicitScalars)
        {
            using var scope = NewDisposeScope();
            using var w0 = _w0.detach().requires_grad_();
            var h = nn.functional.relu(nn.functional.conv2d(_x, w0, padding: [1, 1]));
            h = nn.functional.relu(nn.functional.conv2d(h, _wb1, padding: [1, 1]));
            var y = nn.functional.conv2d(h, _wb2, strides: [2, 2], padding: [1, 1]);
            var loss = implicitScalars ? (y * _g * 0.5).sum() : y.mul(_g).mul(Half).sum();
            loss.backward();
            // The first gradient slot is "the input's"; here the input layer's weight stands in for it.
            return Detached(w0, w0);
        }

        public void Dispose()
        {
            foreach (var t in new[] { _x, _w0, _wb1, _wb2, _g }) t.Dispose();
        }
    }
}
