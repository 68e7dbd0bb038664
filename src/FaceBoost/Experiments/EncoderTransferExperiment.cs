using FaceBoost.Runtime;
using FaceBoost.Losses;
using FaceBoost.Nets;
using FaceBoost.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Experiments;

/// <summary>A CPU-scale first look at the paper's claim: recognition with few labeled identities, its
/// 6-channel IR-SE backbone initialised from a trained encoder (body frozen for the first epochs) vs
/// from scratch (same architecture, same average image, same budget and seeds), evaluated on held-out
/// identities (leave-one-out 1-NN identification and 10-fold pair verification).</summary>
public sealed record TransferExperimentOptions(
    string EncoderCheckpoint,
    IReadOnlyList<(string File, string Identity)> Labeled,
    IReadOnlyList<(string File, string Identity)> HeldOut,
    int Epochs = 12,
    int FreezeEpochs = 3,
    int Batch = 32,
    double LearningRate = 0.02,
    int EmbeddingSize = 64,
    double ArcScale = 16,
    double ArcMargin = 0.2,
    int Seed = 0);

public sealed record TransferArmResult(string Arm, int Seed, double IdentificationTop1, double VerificationAccuracy, double FinalLoss);

public static class EncoderTransferExperiment
{
    public static TransferArmResult RunArm(TransferExperimentOptions o, bool fromEncoder, IProgress<string>? log = null)
    {
        using var ck = EncoderCheckpoint.Load(o.EncoderCheckpoint);
        var e = ck.Info.Encoder;
        var size = e.InputSize;
        using var labeled = FaceTensorSet.FromFiles(o.Labeled.Select(x => x.File).ToList(), size);
        var ids = o.Labeled.Select(x => x.Identity).Distinct().Order(StringComparer.Ordinal).ToList();
        var labelOf = o.Labeled.ToDictionary(x => x.File, x => ids.IndexOf(x.Identity));
        using var labels = tensor(labeled.Files.Select(f => (long)labelOf[f]).ToArray());

        manual_seed(o.Seed);
        using var backbone = new IrseBackbone(e.NumLayers, e.Mode == "ir_se", new BackboneOptions
        {
            Name = $"{e.Mode.Replace("_", "")}{e.NumLayers}", InputSize = size, InputChannels = 6,
            EmbeddingSize = o.EmbeddingSize, BaseWidth = e.Width, Dropout = 0.1,
        });
        if (fromEncoder) EncoderTransfer.CopyInto(ck, backbone, o.EncoderCheckpoint);
        // Both arms see the same average image as the extra 3 channels.
        using var average = ck.AverageImage.clone();
        using var head = CombinedMarginHead.ArcFace(o.EmbeddingSize, ids.Count, o.ArcScale, o.ArcMargin);
        var loss = new ClassificationLoss();
        var named = backbone.named_parameters().Select(p => new NamedParameter(p.name, p.parameter, !p.name.Contains("bn", StringComparison.Ordinal)))
            .Concat(head.named_parameters().Select(p => new NamedParameter("head." + p.name, p.parameter, true))).ToList();
        var rng = new Random(o.Seed);
        double lastLoss = double.NaN;
        for (var epoch = 0; epoch < o.Epochs; epoch++)
        {
            var frozen = fromEncoder && epoch < o.FreezeEpochs;
            foreach (var p in backbone.named_parameters()) p.parameter.requires_grad = !(frozen && backbone.IsBodyParameter(p.name));
            using var sgd = new SgdOptimizer(named.Where(p => p.Parameter.requires_grad).ToList(), o.LearningRate, 0.9, 5e-4);
            backbone.train(); head.train();
            var order = Enumerable.Range(0, (int)labeled.Count).ToArray();
            rng.Shuffle(order);
            double sum = 0; var n = 0;
            for (var start = 0; start + o.Batch <= order.Length; start += o.Batch)
            {
                using var scope = NewDisposeScope();
                using var idx = tensor(order.AsSpan(start, o.Batch).ToArray().Select(i => (long)i).ToArray());
                var x = labeled.Images.index_select(0, idx);
                if (rng.NextDouble() < 0.5) x = x.flip(3);
                var y = labels.index_select(0, idx);
                sgd.ZeroGrad();
                var emb = backbone.forward(cat(new[] { x, average.expand(o.Batch, -1, -1, -1) }, 1));
                var l = loss.Compute(head.forward(emb, y), y);
                l.backward();
                sgd.Step();
                sum += l.item<float>(); n++;
            }
            lastLoss = sum / Math.Max(n, 1);
            log?.Report($"{(fromEncoder ? "encoder" : "scratch")} seed {o.Seed} epoch {epoch + 1}{(frozen ? " (body frozen)" : "")}: loss {lastLoss:F3}");
        }
        var (top1, verification) = Evaluate(backbone, average, o.HeldOut, size);
        return new TransferArmResult(fromEncoder ? "encoder" : "scratch", o.Seed, top1, verification, lastLoss);
    }

    /// <summary>Held-out identities: embeddings (image + flipped, L2-normalised), leave-one-out 1-NN top-1,
    /// and verification on all genuine pairs + as many random impostor pairs, 10-fold threshold accuracy.</summary>
    public static (double Top1, double Verification) Evaluate(IrseBackbone backbone, Tensor average, IReadOnlyList<(string File, string Identity)> heldOut, int size)
    {
        using var faces = FaceTensorSet.FromFiles(heldOut.Select(x => x.File).ToList(), size);
        var idOf = heldOut.ToDictionary(x => x.File, x => x.Identity);
        var ids = faces.Files.Select(f => idOf[f]).ToArray();
        backbone.eval();
        Tensor emb;
        using (no_grad())
        {
            var parts = new List<Tensor>();
            for (long s = 0; s < faces.Count; s += 64)
            {
                var x = faces.Images[TensorIndex.Slice(s, Math.Min(faces.Count, s + 64))];
                var a = average.expand(x.shape[0], -1, -1, -1);
                var f = backbone.forward(cat(new[] { x, a }, 1)).add(backbone.forward(cat(new[] { x.flip(3), a }, 1)), Scalars.One);
                parts.Add(nn.functional.normalize(f, dim: 1));
            }
            emb = cat(parts, 0);
        }
        var nonFinite = (~isfinite(emb)).sum().item<long>();
        if (nonFinite > 0) Console.Error.WriteLine($"warning: {nonFinite} non-finite embedding values on held-out faces");
        var sim = emb.matmul(emb.t()).data<float>().ToArray();
        var n = ids.Length;
        var correct = 0;
        for (var i = 0; i < n; i++)
        {
            var best = -1; var bestS = float.NegativeInfinity;
            for (var j = 0; j < n; j++) if (j != i && sim[i * n + j] > bestS) { bestS = sim[i * n + j]; best = j; }
            if (best >= 0 && ids[best] == ids[i]) correct++; // best < 0: non-finite embeddings count as misses
        }
        var genuine = new List<float>(); var impostor = new List<float>();
        for (var i = 0; i < n; i++) for (var j = i + 1; j < n; j++) if (ids[i] == ids[j]) genuine.Add(sim[i * n + j]);
        var rng = new Random(12345);
        while (impostor.Count < genuine.Count)
        {
            int i = rng.Next(n), j = rng.Next(n);
            if (ids[i] != ids[j]) impostor.Add(sim[i * n + j]);
        }
        var pairs = genuine.Select(s => (s, true)).Concat(impostor.Select(s => (s, false))).ToArray();
        rng.Shuffle(pairs);
        double acc = 0;
        for (var fold = 0; fold < 10; fold++)
        {
            var train = pairs.Where((_, k) => k % 10 != fold).ToArray();
            var test = pairs.Where((_, k) => k % 10 == fold).ToArray();
            var threshold = train.Select(p => p.s).Distinct().OrderBy(t => t)
                .MaxBy(t => train.Count(p => (p.s >= t) == p.Item2));
            acc += test.Count(p => (p.s >= threshold) == p.Item2) / (double)test.Length;
        }
        emb.Dispose();
        return (correct / (double)n, acc / 10);
    }
}
