using System.Diagnostics;
using System.Globalization;
using System.Text;
using FaceBoost.Nets;
using FaceBoost.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FaceBoost.Bench;

/// <summary>`profile`: where the time of an IResNet training step goes, FaceBoost against PyTorch
/// (bench/pytorch/profile_bench.py). Both sides: the real step's time (FaceBoost through RecognitionTrainer); every
/// layer of the backbone timed alone on its real input shape (forward, and forward + backward with the input gradient
/// — except for the first conv — and the weight gradients), grouped by a key made from the shapes only, so the sides
/// line up; PyTorch also gives its autograd profiler's top 10 ops. Writes bench/results/profile.md.
/// Args: [reps] [--threads N] [--r50] (IResNet-18 w16 @32 always; --r50 adds IResNet-50 @112).</summary>
public sealed class ProfileBench : IBenchmark
{
    public string Name => "profile";
    public string Description => "time share of the top 10 layers of a training step (IResNet-18 w16@32, --r50), vs profile_bench.py";

    private sealed record Group(string Key, int Count, double ForwardMs, double TotalMs);

    public int Run(string[] args)
    {
        var reps = 5;
        var threads = 2;
        var r50 = false;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--r50") r50 = true;
            else if (args[i] == "--threads" && i + 1 < args.Length) threads = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else if (int.TryParse(args[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)) reps = n;
            else throw new ArgumentException($"unknown profile argument '{args[i]}' (expected [reps] [--threads N] [--r50])");
        }
        TorchRuntime.Initialize(threads);
        var o = new BenchOptions(1, reps, threads, false);
        var body = new StringBuilder();
        foreach (var c in r50 ? new[] { TrainBench.Resnet18, TrainBench.Resnet50 } : [TrainBench.Resnet18])
            body.Append(Profile(c, reps, threads));
        var md = BenchReport.Header("Profile of a training step: FaceBoost (TorchSharp) vs PyTorch",
            $"dotnet run -c Release --project bench/FaceBoost.Bench -- profile {reps} --threads {threads}{(r50 ? " --r50" : "")}", o,
            "one run per side, FaceBoost first, then the PyTorch twin; times are medians (see How measured).");
        md += body.ToString();
        md += "\nHow measured. Step: the real training step (FaceBoost: mean of the timed steps through RecognitionTrainer " +
              "on in-memory batches after 2 warm-up steps, as the `train` bench; PyTorch: median of train_bench.py's step). Layers: each layer of the backbone is run alone on a " +
              "copy of its real input (captured in one forward pass; FaceBoost walks IResNet's forward order, PyTorch uses " +
              $"forward hooks), forward, and forward + backward (autograd.grad to the input and the trainable weights), median " +
              $"of {reps} after one warm-up, summed over the layers that share a key (kind, channels, stride, input size). " +
              "`add` is a block's residual sum. The rest of the step (ArcFace head, loss, backward glue, gradient norm, SGD, " +
              "per-op overhead between layers) is step − Σ layers; it is negative when layers alone are slower than in the " +
              "step (noise under load). The PyTorch op table is torch.autograd.profiler over 2 real steps: self CPU time " +
              "per step. TorchSharp 0.107 has no profiler binding, so FaceBoost has only the layer view.\n";
        BenchReport.Write("profile.md", md);
        return 0;
    }

    private static string Profile(TrainBench.Case c, int reps, int threads)
    {
        Console.WriteLine($"profile: {c.Label}");
        var stepMs = c.Batch / TrainBench.Measure(c, threads, reps) * 1e3;
        var ours = Layers(c, reps);
        var py = PyTwin.RunWithOutput("profile_bench.py", false, "--layers", Str(c.Layers), "--input-size", Str(c.Size),
            "--width", Str(c.Width), "--batch", Str(c.Batch), "--emb", Str(c.Emb), "--classes", "1000",
            "--threads", Str(threads), "--reps", Str(reps));
        var theirs = new Dictionary<string, Group>();
        var ops = new List<(string Name, double Ms, double Calls)>();
        double? pyStep = null;
        if (py is { } r)
        {
            pyStep = r.Results.GetValueOrDefault("step_ms");
            foreach (var line in r.Lines)
            {
                var p = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (p.Length == 5 && p[0] == "LAYER")
                    theirs[p[1]] = new Group(p[1], int.Parse(p[2], CultureInfo.InvariantCulture), D(p[3]), D(p[4]));
                else if (p.Length >= 4 && p[0] == "OP")
                    ops.Add((string.Join(' ', p[1..^2]), D(p[^2]), D(p[^1])));
            }
        }

        var md = new StringBuilder();
        md.AppendLine($"## {c.Label}\n");
        md.AppendLine($"Real step: FaceBoost {stepMs:F1} ms, PyTorch {(pyStep is { } ps ? ps.ToString("F1", CultureInfo.InvariantCulture) : "–")} ms " +
                      $"(ratio {BenchReport.Fmt(pyStep is { } q && stepMs > 0 ? q / stepMs : null)}, > 1: FaceBoost faster).\n");
        md.AppendLine("### Top 10 layers by FaceBoost time (forward + backward, per step)\n");
        md.AppendLine("| layer (kind_in>out_stride_@input) | × per step | FaceBoost ms (fwd / fwd+bwd) | % of FaceBoost step | PyTorch ms (fwd / fwd+bwd) | % of PyTorch step | PyTorch ÷ FaceBoost |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        var sorted = ours.OrderByDescending(g => g.TotalMs).ToList();
        foreach (var g in sorted.Take(10)) md.AppendLine(Row(g.Key, g.Count, g, theirs.GetValueOrDefault(g.Key), stepMs, pyStep));
        var rest = sorted.Skip(10).ToList();
        var restTheirs = theirs.Values.Where(t => rest.Any(g => g.Key == t.Key) || ours.All(g => g.Key != t.Key)).ToList();
        md.AppendLine(Row("all other layers", rest.Sum(g => g.Count), Sum(rest), restTheirs.Count > 0 ? Sum(restTheirs) : null, stepMs, pyStep));
        var all = Sum(ours);
        var allTheirs = theirs.Count > 0 ? Sum(theirs.Values) : null;
        md.AppendLine(Row("**Σ layers**", ours.Sum(g => g.Count), all, allTheirs, stepMs, pyStep));
        md.AppendLine($"| rest of step (head, loss, glue, grad norm, SGD) | | {stepMs - all.TotalMs:F1} | {Pct(stepMs - all.TotalMs, stepMs)} | " +
                      $"{(pyStep is { } s1 && allTheirs is not null ? (s1 - allTheirs.TotalMs).ToString("F1", CultureInfo.InvariantCulture) : "–")} | " +
                      $"{(pyStep is { } s2 && allTheirs is not null ? Pct(s2 - allTheirs.TotalMs, s2) : "–")} | |");

        md.AppendLine("\n### By layer kind\n");
        md.AppendLine("| kind | × per step | FaceBoost ms | % of FaceBoost step | PyTorch ms | % of PyTorch step | PyTorch ÷ FaceBoost |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        var kinds = ours.GroupBy(g => Kind(g.Key)).Select(k => (k.Key, Sum(k.ToList()))).OrderByDescending(k => k.Item2.TotalMs);
        foreach (var (kind, g) in kinds)
        {
            var t = theirs.Values.Where(x => Kind(x.Key) == kind).ToList();
            md.AppendLine(Row(kind, g.Count, g, t.Count > 0 ? Sum(t) : null, stepMs, pyStep));
        }

        if (ops.Count > 0)
        {
            md.AppendLine("\n### PyTorch: top 10 ops of the real step (autograd profiler, self CPU time)\n");
            md.AppendLine("| op | ms per step | % of step | calls per step |");
            md.AppendLine("|---|---:|---:|---:|");
            foreach (var (name, ms, calls) in ops)
                md.AppendLine($"| {name} | {ms:F1} | {(pyStep is { } s3 ? Pct(ms, s3) : "–")} | {calls:F0} |");
        }
        md.AppendLine();
        return md.ToString();
    }

    private static string Row(string label, int count, Group ours, Group? theirs, double stepMs, double? pyStep) =>
        $"| {label} | {count} | {ours.ForwardMs:F1} / {ours.TotalMs:F1} | {Pct(ours.TotalMs, stepMs)} | " +
        $"{(theirs is null ? "–" : $"{theirs.ForwardMs:F1} / {theirs.TotalMs:F1}")} | " +
        $"{(theirs is not null && pyStep is { } s ? Pct(theirs.TotalMs, s) : "–")} | " +
        $"{BenchReport.Fmt(theirs is not null && ours.TotalMs > 0 ? theirs.TotalMs / ours.TotalMs : null)} |";

    private static Group Sum(IReadOnlyCollection<Group> gs) => new("", gs.Sum(g => g.Count), gs.Sum(g => g.ForwardMs), gs.Sum(g => g.TotalMs));

    private static string Kind(string key)
    {
        var k = key.Split('_')[0];
        return k is "conv3x3" or "conv1x1" ? $"{k} conv" : k;
    }

    private static string Pct(double part, double whole) =>
        whole > 0 ? (100 * part / whole).ToString("F0", CultureInfo.InvariantCulture) + " %" : "–";

    private static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);
    private static string Str(int v) => v.ToString(CultureInfo.InvariantCulture);

    /// <summary>One timed layer: the key, how to run it on its inputs, its captured inputs, whether the input gradient is
    /// part of its backward, and the trainable weights.</summary>
    private sealed record Call(string Key, Func<Tensor[], Tensor> Forward, Tensor[] Inputs, bool InputGrad, Tensor[] Weights);

    /// <summary>Captures every layer's input in one forward pass through IResNet's order (Nets/IResNet.cs,
    /// Nets/IBasicBlock.cs), then times each alone; returns the groups by key.</summary>
    private static List<Group> Layers(TrainBench.Case c, int reps)
    {
        manual_seed(0);
        using var net = BackboneFactory.Create(new BackboneOptions
        {
            Name = c.Backbone, InputSize = c.Size, BaseWidth = c.Width, EmbeddingSize = c.Emb,
        });
        net.train();
        var mods = net.named_modules().ToDictionary(m => m.name, m => m.module);
        var calls = new List<Call>();
        using var scope = NewDisposeScope();
        using (no_grad())
        {
            Tensor Leaf(string name, Tensor x)
            {
                var m = (nn.Module<Tensor, Tensor>)mods[name];
                var y = m.forward(x);
                calls.Add(new Call(LayerKey(m, x, y), xs => m.forward(xs[0]), [x.detach().clone()], calls.Count > 0,
                    m.parameters().Where(p => p.requires_grad).Cast<Tensor>().ToArray()));
                return y;
            }
            var y = Leaf("prelu", Leaf("bn1", Leaf("conv1", randn(c.Batch, 3, c.Size, c.Size))));
            for (var l = 1; l <= 4; l++)
                for (var i = 0; mods.ContainsKey($"layer{l}.{i}.bn1"); i++)
                {
                    var b = $"layer{l}.{i}.";
                    var main = Leaf(b + "bn3", Leaf(b + "conv2", Leaf(b + "prelu", Leaf(b + "bn2", Leaf(b + "conv1", Leaf(b + "bn1", y))))));
                    var identity = mods.ContainsKey(b + "downsample.0") ? Leaf(b + "downsample.1", Leaf(b + "downsample.0", y)) : y;
                    calls.Add(new Call($"add_c{main.shape[1]}_@{main.shape[2]}", xs => xs[0].add(xs[1], Scalars.One),
                        [main.detach().clone(), identity.detach().clone()], true, []));
                    y = main.add(identity, Scalars.One);
                }
            Leaf("features", Leaf("fc", Leaf("bn2", y).flatten(1)));
        }
        var groups = new Dictionary<string, Group>();
        foreach (var call in calls)
        {
            var (fwd, tot) = Time(call, reps);
            var g = groups.GetValueOrDefault(call.Key) ?? new Group(call.Key, 0, 0, 0);
            groups[call.Key] = g with { Count = g.Count + 1, ForwardMs = g.ForwardMs + fwd, TotalMs = g.TotalMs + tot };
        }
        return [.. groups.Values];
    }

    /// <summary>Median forward ms and forward + backward ms over <paramref name="reps"/> runs after one warm-up.</summary>
    private static (double Forward, double Total) Time(Call call, int reps)
    {
        using var scope = NewDisposeScope();
        var xs = call.Inputs.Select(x => x.detach().clone().requires_grad_(call.InputGrad)).ToArray();
        var gradInputs = (call.InputGrad ? xs : []).Concat(call.Weights).ToList();
        var g = randn_like(call.Forward(xs));
        var fwd = new List<double>();
        var tot = new List<double>();
        for (var r = 0; r <= reps; r++)
        {
            using var inner = NewDisposeScope();
            var sw = Stopwatch.StartNew();
            call.Forward(xs);
            var f = sw.Elapsed.TotalMilliseconds;
            sw.Restart();
            var y = call.Forward(xs);
            if (gradInputs.Count > 0) torch.autograd.grad([y], gradInputs, [g]);
            var t = sw.Elapsed.TotalMilliseconds;
            if (r > 0) { fwd.Add(f); tot.Add(t); }
        }
        return (Stat.Of(fwd)!.Median, Stat.Of(tot)!.Median);
    }

    /// <summary>The same key as profile_bench.py's layer_key, from shapes only.</summary>
    private static string LayerKey(nn.Module m, Tensor x, Tensor y) => m switch
    {
        Conv2d conv => $"conv{conv.weight!.shape[2]}x{conv.weight.shape[3]}_{conv.weight.shape[1]}>{conv.weight.shape[0]}_s{x.shape[2] / y.shape[2]}_@{x.shape[2]}",
        Nets.BatchNorm when x.dim() == 4 => $"bn2d_c{x.shape[1]}_@{x.shape[2]}",
        Nets.BatchNorm => $"bn1d_c{x.shape[1]}",
        Nets.PReLU => $"prelu_c{x.shape[1]}_@{x.shape[2]}",
        Linear lin => $"linear_{lin.weight!.shape[1]}>{lin.weight.shape[0]}",
        _ => m.GetName(),
    };
}
