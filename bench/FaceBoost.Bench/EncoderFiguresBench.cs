using FaceBoost.Nets;
using FaceBoost.Runtime;
using FaceBoost.Synthesis;
using FaceBoost.Training;
using FaceBoost.Nets.StyleGan;

namespace FaceBoost.Bench;

/// <summary>Hand-run figures of the encoder stage (not a timing benchmark):
/// `encoder-figures gan RUN` trains a tiny 32-px StyleGAN on ORL + Yale (when no gan run is at hand);
/// `encoder-figures encoder GEN RUN STEPS` trains a CPU-sized encoder on ORL + Yale and prints the L2 curve.</summary>
public sealed class EncoderFiguresBench : IBenchmark
{
    public string Name => "encoder-figures";
    public string Description => "encoder stage figures: tiny GAN, encoder training curve (see EncoderFiguresBench.cs)";

    private static string Shared(params string[] parts) => Path.GetFullPath(Path.Combine(["..", "shared", .. parts]));

    /// <summary>ORL + Extended Yale B identities, sorted; even positions train (unlabeled pretraining and the
    /// labeled subset), odd positions are held out for evaluation.</summary>
    private static (List<(string File, string Identity)> Train, List<(string File, string Identity)> HeldOut) Split()
    {
        var all = FaceTensorSet.ListImages(Shared("data", "orl")).Select(f => (File: f, Identity: "orl/" + Path.GetFileName(Path.GetDirectoryName(f))!))
            .Concat(FaceTensorSet.ListImages(Shared("data", "extended-yaleb")).Select(f => (File: f, Identity: "yale/" + Path.GetFileName(Path.GetDirectoryName(f))!)))
            .ToList();
        var ids = all.Select(x => x.Identity).Distinct().Order(StringComparer.Ordinal).ToList();
        var heldOut = ids.Where((_, i) => i % 2 == 1).ToHashSet();
        return (all.Where(x => !heldOut.Contains(x.Identity)).ToList(), all.Where(x => heldOut.Contains(x.Identity)).ToList());
    }

    private static List<(string File, string Identity)> Cap(List<(string File, string Identity)> items, int perIdentity) =>
        items.GroupBy(x => x.Identity).SelectMany(g =>
        {
            var list = g.ToList();
            var step = Math.Max(1, list.Count / perIdentity);
            return list.Where((_, i) => i % step == 0).Take(perIdentity);
        }).ToList();

    public int Run(string[] args)
    {
        TorchRuntime.Initialize(int.Parse(Environment.GetEnvironmentVariable("FB_THREADS") ?? "1"));
        switch (args.FirstOrDefault())
        {
            case "gan":
            {
                var kimg = args.Length > 2 ? double.Parse(args[2]) : 4;
                using var data = FaceImageSet.Load([Shared("data", "orl"), Shared("data", "extended-yaleb")], 32);
                var o = new GanTrainOptions(args[1], new GanSettings { Resolution = 32, ZDim = 128, WDim = 128, MappingLayers = 4, ChannelBase = 2048, ChannelMax = 128,
                    BatchSize = 16, Kimg = kimg }, FdImages: 0, Augment: false, // ADA+R1 hit grid_sampler double-backward (reported to gan)
                    SnapshotKimg: 0.5, SampleKimg: 1, LogKimg: 0.25);
                using var t = new GanTrainer(o, data);
                t.TryResume();
                t.Run(new Progress<GanProgress>(p => Console.WriteLine(p)));
                return 0;
            }
            case "encoder":
            {
                var steps = args.Length > 3 ? int.Parse(args[3]) : 300;
                using var g = GanCheckpoint.LoadFrozen(args[1]);
                // Unlabeled pretraining sees only the training split's identities (never the held-out ones).
                var files = Split().Train.Select(x => x.File).ToList();
                using var faces = FaceTensorSet.FromFiles(files, 32);
                var o = new EncoderTrainOptions(args[1], "orl+extended-yaleb", args[2], new EncoderSettings { BatchSize = 8, Steps = steps, Lr = 1e-3 }, Resolution: 32,
                    NumLayers: 18, Width: args.Length > 4 ? int.Parse(args[4]) : 8, GridEvery: 25, CheckpointEvery: 25, LogEvery: 5, Seed: 0);
                var r = new EncoderTrainer(o, g, e => faces.Epoch(e, o.Settings.BatchSize, o.Seed)).Run(new Progress<EncoderStepStats>(s =>
                    Console.WriteLine($"step {s.Step} l2 {s.L2:F4} ms-ssim-loss {s.Perceptual:F4} total {s.Total:F4} {s.ImagesPerSecond:F1} img/s")));
                Console.WriteLine($"{faces.Count} faces; checkpoint {r.Checkpoint}; nan {r.StoppedOnNaN}");
                return 0;
            }
            default:
                Console.WriteLine("usage: encoder-figures gan RUN [kimg] | encoder GEN_CKPT RUN [steps]");
                return 2;
        }
    }
}
