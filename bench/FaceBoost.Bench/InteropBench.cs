using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using FaceBoost.Imaging;
using FaceBoost.Interop;
using FaceBoost.Nets;
using FaceBoost.Runtime;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Bench;

/// <summary>`interop`: RecordIO / .bin round trips on ORL, full-size iresnet50 weight round trip with
/// PyTorch (bench/pytorch/iresnet_ref.py) and ONNX-vs-TorchSharp agreement. Writes bench/results/interop.md.</summary>
public sealed class InteropBench : IBenchmark
{
    private static readonly TorchSharp.Scalar OnePointOhOne = 1.01f.ToScalar();

    public string Name => "interop";
    public string Description => "insightface RecordIO/.bin round trips, iresnet50 PyTorch weight round trip, ONNX agreement";

    private readonly StringBuilder _md = new();
    private void Log(string s) { Console.WriteLine(s); _md.AppendLine(s); }

    public int Run(string[] args)
    {
        var root = FindRoot();
        var orl = Path.Combine(Path.GetDirectoryName(root)!, "shared", "data", "orl");
        var work = Directory.CreateTempSubdirectory("fb-interop-bench-").FullName;
        TorchRuntime.Initialize(2);
        Log("# interop benchmark\n");
        Log($"Run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, torch threads 2.\n");
        try
        {
            RecordIo(orl, work);
            Bin(orl, work);
            Weights(root, orl, work);
        }
        finally { Directory.Delete(work, true); }
        var outPath = Path.Combine(root, "bench", "results", "interop.md");
        Directory.CreateDirectory(Path.GetDirectoryName(outPath)!);
        File.WriteAllText(outPath, _md.ToString());
        Console.WriteLine($"→ {outPath}");
        return 0;
    }

    private void RecordIo(string orl, string work)
    {
        Log("## RecordIO (train.rec/train.idx) round trip of ORL\n");
        Log("| storage | images | ids | .rec bytes | pack s | labels equal | 8-bit pixel values differing | max / mean abs diff (0–255) | read+decode img/s |");
        Log("|---|---|---|---|---|---|---|---|---|");
        var items = InsightfaceRecordPacker.ScanImageTree(orl);
        var sorted = items.OrderBy(i => i.Label).ToList();
        var originals = sorted.Select(i => ImageDecoder.Decode(i.Path)).ToList();
        foreach (var png in new[] { true, false })
        {
            var dir = Path.Combine(work, png ? "png" : "jpg");
            var sw = Stopwatch.StartNew();
            var r = InsightfaceRecordPacker.Pack(items, dir, new RecordPackOptions(Png: png));
            double packS = sw.Elapsed.TotalSeconds;
            using var ds = InsightfaceRecordDataset.Open(dir);
            bool labelsEqual = ds.Count == sorted.Count && sorted.Select((it, i) => it.Label == ds.Labels[i]).All(b => b);
            long differing = 0, total = 0; int maxDiff = 0; double sumDiff = 0;
            sw.Restart();
            var decoded = new RgbImage[ds.Count];
            Parallel.For(0, ds.Count, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i => decoded[i] = ds.Decode(i));
            double rate = ds.Count / sw.Elapsed.TotalSeconds;
            for (int i = 0; i < ds.Count; i++)
                for (int j = 0; j < decoded[i].Pixels.Length; j++)
                {
                    int d = Math.Abs((int)MathF.Round(decoded[i].Pixels[j] * 255) - (int)MathF.Round(originals[i].Pixels[j] * 255));
                    total++; sumDiff += d; maxDiff = Math.Max(maxDiff, d); if (d != 0) differing++;
                }
            Log($"| {(png ? "PNG (lossless)" : "JPEG q95")} | {r.Images} | {r.Classes} | {new FileInfo(r.RecPath).Length:N0} | {packS:F2} | {labelsEqual} | {differing:N0} / {total:N0} | {maxDiff} / {sumDiff / total:F3} | {rate:F0} |");
        }
        Log("");
    }

    private void Bin(string orl, string work)
    {
        Log("## insightface .bin verification set round trip (ORL pairs)\n");
        var pairs = new List<(string, string, bool)>();
        for (int s = 1; s <= 40; s++)
            for (int k = 1; k <= 5; k++)
            {
                pairs.Add((Path.Combine(orl, $"s{s}", $"{k}.pgm"), Path.Combine(orl, $"s{s}", $"{k + 5}.pgm"), true));
                pairs.Add((Path.Combine(orl, $"s{s}", $"{k}.pgm"), Path.Combine(orl, $"s{s % 40 + 1}", $"{k}.pgm"), false));
            }
        var sw = Stopwatch.StartNew();
        var set = BinVerificationSet.FromPairs(pairs, size: 112);
        var bin = Path.Combine(work, "orl.bin");
        set.Save(bin);
        double packS = sw.Elapsed.TotalSeconds;
        sw.Restart();
        var back = BinVerificationSet.Load(bin);
        double loadS = sw.Elapsed.TotalSeconds;
        bool same = back.IsSame.SequenceEqual(set.IsSame) && back.Images.Zip(set.Images).All(p => p.First.AsSpan().SequenceEqual(p.Second));
        Log($"- FaceBoost-written `orl.bin`: {set.PairCount} pairs ({set.IsSame.Count(x => x)} same), {new FileInfo(bin).Length:N0} bytes, pack {packS:F2} s, load {loadS * 1000:F0} ms, read back identical: {same}");
        var py = Python();
        if (py is null) { Log("- python3 absent: CPython cross-check skipped\n"); return; }
        var py4 = Path.Combine(work, "py4.bin");
        var py2 = Path.Combine(work, "py2.bin");
        Run(py, "-", $"import pickle\nb,s=pickle.load(open(r'{bin}','rb'))\nassert len(b)=={set.Images.Count} and sum(s)=={set.IsSame.Count(x => x)}\npickle.dump((b,s),open(r'{py4}','wb'),protocol=4)\npickle.dump((b,s),open(r'{py2}','wb'),protocol=2)\n");
        var fromPy4 = BinVerificationSet.Load(py4);
        var fromPy2 = BinVerificationSet.Load(py2);
        bool eq4 = fromPy4.Images.Zip(set.Images).All(p => p.First.AsSpan().SequenceEqual(p.Second)) && fromPy4.IsSame.SequenceEqual(set.IsSame);
        bool eq2 = fromPy2.Images.Zip(set.Images).All(p => p.First.AsSpan().SequenceEqual(p.Second)) && fromPy2.IsSame.SequenceEqual(set.IsSame);
        bool byteIdentical = File.ReadAllBytes(py4).AsSpan().SequenceEqual(File.ReadAllBytes(bin));
        Log($"- CPython `pickle.load` of ours: OK; ours reading CPython protocol 4: identical {eq4}; protocol 2 (`_codecs.encode` bytes): identical {eq2}; our file byte-identical to CPython's protocol-4 dump: {byteIdentical}\n");
    }

    private void Weights(string root, string orl, string work)
    {
        Log("## iresnet50 (insightface size: width 64, 112×112, 512-d) weights and ONNX\n");
        var py = Python();
        if (py is null || Run(py, "-c \"import torch\"", null, check: false) != 0) { Log("python3-torch absent: skipped\n"); return; }
        var script = Path.Combine(root, "bench", "pytorch", "iresnet_ref.py");
        const string arch = "--layers 3,4,14,3 --width 64 --emb 512 --input-size 112";
        var pth = Path.Combine(work, "r50.pth");
        Run(py, $"{script} make {arch} --seed 3 --out {pth}");
        var opts = new BackboneOptions { Name = "iresnet50" };
        using var model = new IResNet(50, opts);
        var sw = Stopwatch.StartNew();
        var report = IResNetWeights.ImportInsightface(pth, model);
        Log($"- import `backbone.pth` ({new FileInfo(pth).Length / 1e6:F0} MB): {report.Describe()} in {sw.Elapsed.TotalSeconds:F1} s");
        model.eval();

        var faces = Enumerable.Range(1, 8).Select(i => ImageOps.Resize(ImageDecoder.Decode(Path.Combine(orl, $"s{i}", "1.pgm")), 112, 112)).ToList();
        using var x = stack(faces.Select(f => tensor(f.Pixels, [3, 112, 112])).ToArray()).mul_(Scalars.Two).sub_(Scalars.One);
        float[] Ours() { using var _ = no_grad(); using var e = model.forward(x); return e.data<float>().ToArray(); }
        float[] Theirs(string weights)
        {
            var inPath = Path.Combine(work, "x.f32"); var outPath = Path.Combine(work, "e.f32");
            File.WriteAllBytes(inPath, MemoryMarshal.AsBytes(x.data<float>().ToArray().AsSpan()).ToArray());
            Run(py, $"{script} embed {arch} --weights {weights} --input {inPath} --output {outPath}");
            return MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(outPath)).ToArray();
        }
        var ours = Ours();
        var theirs = Theirs(pth);
        Log($"- PyTorch → FaceBoost: max |Δ| embedding = {MaxAbs(ours, theirs):E2} (max |e| = {ours.Max(MathF.Abs):F2}, 8 ORL faces × 512)");
        using (no_grad()) foreach (var (_, p) in model.named_parameters()) p.mul_(OnePointOhOne);
        var exported = Path.Combine(work, "r50_out.pth");
        IResNetWeights.ExportInsightface(model, exported);
        ours = Ours();
        Log($"- FaceBoost → PyTorch (strict `load_state_dict`): max |Δ| = {MaxAbs(ours, Theirs(exported)):E2}");

        var onnx = Path.Combine(work, "r50.onnx");
        sw.Restart();
        IResNetOnnxExporter.Export(model, onnx);
        double exportS = sw.Elapsed.TotalSeconds;
        using var so = new SessionOptions { IntraOpNumThreads = 2 };
        using var session = new InferenceSession(onnx, so);
        var input = new DenseTensor<float>(x.data<float>().ToArray(), [8, 3, 112, 112]);
        sw.Restart();
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("input", input)]);
        double ortS = sw.Elapsed.TotalSeconds;
        var onnxOut = results.First().AsEnumerable<float>().ToArray();
        double minCos = 1;
        for (int i = 0; i < 8; i++) minCos = Math.Min(minCos, Cos(ours.AsSpan(i * 512, 512), onnxOut.AsSpan(i * 512, 512)));
        Log($"- ONNX export ({new FileInfo(onnx).Length / 1e6:F0} MB, {exportS:F1} s): ONNX Runtime vs TorchSharp min cosine = {minCos:F7}, max |Δ| = {MaxAbs(ours, onnxOut):E2}; ORT 8 faces in {ortS:F2} s");
        Log($"- metadata: {string.Join(", ", session.ModelMetadata.CustomMetadataMap.OrderBy(k => k.Key).Select(kv => $"{kv.Key}={kv.Value}"))}\n");
    }

    private static double Cos(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double d = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++) { d += a[i] * b[i]; na += a[i] * a[i]; nb += b[i] * b[i]; }
        return d / Math.Sqrt(na * nb);
    }

    private static float MaxAbs(float[] a, float[] b) => a.Zip(b, (p, q) => MathF.Abs(p - q)).Max();

    private static string? Python() => new[] { "/usr/bin/python3" }.FirstOrDefault(File.Exists);

    private static int Run(string exe, string args, string? stdin = null, bool check = true)
    {
        var psi = new ProcessStartInfo(exe, args) { RedirectStandardInput = stdin != null, RedirectStandardError = true, RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        if (stdin != null) { p.StandardInput.Write(stdin); p.StandardInput.Close(); }
        var err = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (check && p.ExitCode != 0) throw new InvalidOperationException($"python3 {args} failed: {err.Result}");
        return p.ExitCode;
    }

    private static string FindRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "FaceBoost.sln"))) return d.FullName;
        return Directory.GetCurrentDirectory();
    }
}
