using System.CommandLine;
using FaceBoost.Distributed;
using FaceBoost.Runtime;
using FaceBoost.Synthesis;
using Spectre.Console;
using FaceBoost.Nets.StyleGan;
using FaceBoost.Training;

namespace FaceBoost.Cli.Verbs;

/// <summary>`faceboost train-gan`: StyleGAN2-ADA on unlabeled aligned faces (stage 1 of the paper).</summary>
public sealed class TrainGanVerb : IVerb
{
    public Command Build()
    {
        var cmd = new Command("train-gan", "Train a StyleGAN2-ADA generator on unlabeled aligned face images.");
        var data = new Option<string[]>("--data") { Description = "Image folders (recursive), image files or list files", Required = true, AllowMultipleArgumentsPerToken = true }.Rule(PathsProblem);
        var res = new Option<int>("--resolution") { Description = "Output resolution (power of 2, 32…256)", DefaultValueFactory = _ => 32 }.PowerOfTwo(8, 1024);
        var batch = new Option<int>("--batch-size") { Description = "Global batch size (under mpirun -np N each rank takes batch/N)", DefaultValueFactory = _ => 16 }.Range(2, 1 << 16);
        var kimg = new Option<double>("--kimg") { Description = "Train until this many thousand images shown", DefaultValueFactory = _ => 20 }.Positive(1e6);
        var lrG = new Option<float>("--lr-g") { DefaultValueFactory = _ => 0.002f }.Positive(10f);
        var lrD = new Option<float>("--lr-d") { DefaultValueFactory = _ => 0.0025f }.Positive(10f);
        var gamma = new Option<double>("--r1-gamma") { Description = "R1 weight γ (paper 4 at 128 px)", DefaultValueFactory = _ => 1 }.Range(0.0, 1e4);
        var pl = new Option<double>("--pl-weight") { Description = "Path-length weight (0 = off)", DefaultValueFactory = _ => 2 }.Range(0.0, 1e4);
        var adaTarget = new Option<double>("--ada-target") { DefaultValueFactory = _ => 0.6 }.Rule(v => v > 0 && v < 1 ? null : "must be in (0, 1)");
        var adaKimg = new Option<double>("--ada-kimg") { Description = "kimg for p to go 0→1 (paper 500)", DefaultValueFactory = _ => 20 }.Positive(1e6);
        var noAug = new Option<bool>("--no-augment") { Description = "Disable ADA" };
        var mapping = new Option<int>("--mapping-layers") { DefaultValueFactory = _ => 8 }.Range(1, 32);
        var zdim = new Option<int>("--z-dim") { DefaultValueFactory = _ => 512 }.Range(1, 4096);
        var wdim = new Option<int>("--w-dim") { DefaultValueFactory = _ => 512 }.Range(1, 4096);
        var cbase = new Option<int>("--channel-base") { DefaultValueFactory = _ => 16384 }.Range(1, 1 << 20);
        var cmax = new Option<int>("--channel-max") { DefaultValueFactory = _ => 512 }.Range(1, 4096);
        var snap = new Option<double>("--snap") { Description = "kimg between checkpoints + Fréchet distance", DefaultValueFactory = _ => 1 }.Positive(1e6);
        var sampleEvery = new Option<double>("--sample-every") { Description = "kimg between sample grids", DefaultValueFactory = _ => 1 }.Positive(1e6);
        var fdModel = new Option<string?>("--fd-model") { Description = "ONNX face recognizer for the Fréchet distance (default: fixed random conv features)" }.Path();
        var fdImages = new Option<int>("--fd-images") { DefaultValueFactory = _ => 500 }.Range(1, 1_000_000);
        var runDir = new Option<string>("--run-dir") { Required = true }.Path();
        var resume = new Option<bool>("--resume") { Description = "Continue from the run folder's newest readable checkpoint" };
        var threads = new Option<int>("--threads") { DefaultValueFactory = _ => 0 }.Range(0, 1024);
        var workers = new Option<int>("--workers") { Description = "(images are decoded once into memory; kept for CLI compatibility)", DefaultValueFactory = _ => 0 }.Range(0, 256);
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 0 }.Range(0, int.MaxValue);
        foreach (var o in new Option[] { data, res, batch, kimg, lrG, lrD, gamma, pl, adaTarget, adaKimg, noAug, mapping, zdim, wdim, cbase, cmax, snap, sampleEvery, fdModel, fdImages, runDir, resume, threads, workers, seed })
            cmd.Options.Add(o);
        cmd.SetAction(pr =>
        {
            TorchRuntime.Initialize(pr.GetValue(threads));
            var gOpts = new GeneratorOptions(pr.GetValue(res), pr.GetValue(zdim), pr.GetValue(wdim), pr.GetValue(mapping), pr.GetValue(cbase), pr.GetValue(cmax));
            var options = new GanTrainOptions(pr.GetValue(runDir)!, gOpts, pr.GetValue(batch), pr.GetValue(kimg), pr.GetValue(lrG), pr.GetValue(lrD),
                R1Gamma: pr.GetValue(gamma), PlWeight: pr.GetValue(pl), Augment: !pr.GetValue(noAug), AdaTarget: pr.GetValue(adaTarget),
                AdaKimg: pr.GetValue(adaKimg), SnapshotKimg: pr.GetValue(snap), SampleKimg: pr.GetValue(sampleEvery),
                FdImages: pr.GetValue(fdImages), Seed: pr.GetValue(seed));
            // Local (no libmpi) unless launched by mpirun; then this process is one rank of the job.
            using var comm = Communicators.FromEnvironment();
            options.ValidateParallel(comm.WorldSize); // bad input: one line and exit 2 at the CLI's error boundary
            return DataParallel.Run(comm, $"global batch {options.BatchSize} = {comm.WorldSize} × {options.BatchSize / comm.WorldSize}", reporting =>
            {
                using var faces = FaceImageSet.Load(pr.GetValue(data)!, gOpts.Resolution, pr.GetValue(seed));
                if (reporting)
                {
                    foreach (var s in faces.Skipped) AnsiConsole.MarkupLineInterpolated($"[yellow]skipped[/] {s}");
                    Console.WriteLine($"{faces.Count} images at {gOpts.Resolution}px; G NumWs {gOpts.NumWs}");
                }
                var fdPath = pr.GetValue(fdModel);
                FrechetEvaluator? fd = null;
                if (comm.IsRoot) // only rank 0 measures
                {
                    var features = fdPath is null ? FeatureExtractors.RandomConv() : FeatureExtractors.Onnx(fdPath);
                    fd = new FrechetEvaluator(features, faces.Head(options.FdImages), fdPath is null ? "random-conv" : Path.GetFileName(fdPath), options.FdImages);
                }
                using var trainer = new GanTrainer(options, faces, fd, comm, say: Console.WriteLine);
                if (pr.GetValue(resume) && trainer.TryResume() && reporting)
                    Console.WriteLine($"resumed at {trainer.State.ImagesShown / 1000.0:F2} kimg, ada p {trainer.Ada.P:F3}");
                using var cts = new CancellationTokenSource();
                Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
                try
                {
                    if (!reporting) { trainer.Run(null, cts.Token); return 0; }
                    AnsiConsole.Progress().Start(ctx =>
                    {
                        var task = ctx.AddTask("train-gan", maxValue: options.TotalKimg);
                        task.Value = trainer.State.ImagesShown / 1000.0;
                        trainer.Run(new Progress<GanProgress>(p =>
                        {
                            task.Value = p.Kimg;
                            task.Description = $"kimg {p.Kimg:F2} G {p.LossG:F3} D {p.LossD:F3} p {p.AdaP:F3}" +
                                (p.FrechetDistance is { } f ? $" FD {f:F3}" : "") + $" {p.ImagesPerSecond:F0} img/s";
                        }), cts.Token);
                    });
                }
                catch (TrainingDivergedException e)
                {
                    if (reporting) AnsiConsole.MarkupLineInterpolated($"[red]{e.Message}[/]");
                    return 3;
                }
                Console.WriteLine($"done: {trainer.State.ImagesShown / 1000.0:F2} kimg; FD at start {trainer.State.InitialFrechetDistance:F4}; see {trainer.StatsPath}");
                return 0;
            });
        });
        return cmd;
    }

    private static string? PathsProblem(string[] paths) =>
        paths.Length == 0 ? "needs at least one folder or file"
        : paths.FirstOrDefault(p => p.Length == 0 || p.Any(char.IsControl)) is { } bad ? $"'{bad}' is not a usable path (empty or with control characters)" : null;
}
