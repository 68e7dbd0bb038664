using System.CommandLine;
using System.CommandLine.Parsing;
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
    /// <summary>The options of a `train-gan` command line, defaults filled in, without running anything (a parse error
    /// throws).</summary>
    public static GanTrainOptions OptionsOf(params string[] args)
    {
        var opts = new Opts();
        var pr = opts.AddTo(new Command("train-gan")).Parse(args);
        if (pr.Errors.Count > 0) throw new ArgumentException(string.Join("; ", pr.Errors.Select(e => e.Message)));
        return opts.Options(pr);
    }

    /// <summary>The verb's options. Every training default is read from <see cref="GanTrainOptions.Defaults"/> (its
    /// <see cref="GanSettings"/> is what an experiment's "gan" section starts from too).</summary>
    private sealed class Opts
    {
        private static readonly GanTrainOptions D = GanTrainOptions.Defaults;
        private static readonly GanSettings S = D.Settings;

        public readonly Option<string[]> Data = new Option<string[]>("--data") { Description = "Image folders (recursive), image files or list files", Required = true, AllowMultipleArgumentsPerToken = true }.Rule(PathsProblem);
        public readonly Option<int> Res = new Option<int>("--resolution") { Description = "Output resolution (power of 2, 32…256)", DefaultValueFactory = _ => S.Resolution }.PowerOfTwo(8, 1024);
        public readonly Option<int> Batch = new Option<int>("--batch-size") { Description = "Global batch size (under mpirun -np N each rank takes batch/N)", DefaultValueFactory = _ => S.BatchSize }.Range(2, 1 << 16);
        public readonly Option<double> Kimg = new Option<double>("--kimg") { Description = "Train until this many thousand images shown", DefaultValueFactory = _ => S.Kimg }.Positive(1e6);
        public readonly Option<double> LrG = new Option<double>("--lr-g") { DefaultValueFactory = _ => S.LrG }.Positive(10);
        public readonly Option<double> LrD = new Option<double>("--lr-d") { DefaultValueFactory = _ => S.LrD }.Positive(10);
        public readonly Option<double> Gamma = new Option<double>("--r1-gamma") { Description = "R1 weight γ (paper 4 at 128 px)", DefaultValueFactory = _ => S.R1Gamma }.Range(0.0, 1e4);
        public readonly Option<double> Pl = new Option<double>("--pl-weight") { Description = "Path-length weight (0 = off)", DefaultValueFactory = _ => S.PlWeight }.Range(0.0, 1e4);
        public readonly Option<double> AdaTarget = new Option<double>("--ada-target") { DefaultValueFactory = _ => S.AdaTarget }.Rule(v => v > 0 && v < 1 ? null : "must be in (0, 1)");
        public readonly Option<double> AdaKimg = new Option<double>("--ada-kimg") { Description = "kimg for p to go 0→1 (paper 500)", DefaultValueFactory = _ => D.AdaKimg }.Positive(1e6);
        public readonly Option<bool> NoAug = new("--no-augment") { Description = "Disable ADA" };
        public readonly Option<bool> NoNoise = new("--no-noise-inputs") { Description = "A generator without per-pixel noise inputs (stylegan2-ada use_noise=False)" };
        public readonly Option<double?> NoiseMax = new Option<double?>("--noise-strength-max") { Description = "Bound every layer's learned noise strength to [-max, max] (default: unbounded)" }.Range(0.0, 1e3);
        public readonly Option<int> Mapping = new Option<int>("--mapping-layers") { DefaultValueFactory = _ => S.MappingLayers }.Range(1, 32);
        public readonly Option<int> ZDim = new Option<int>("--z-dim") { DefaultValueFactory = _ => S.ZDim }.Range(1, 4096);
        public readonly Option<int> WDim = new Option<int>("--w-dim") { DefaultValueFactory = _ => S.WDim }.Range(1, 4096);
        public readonly Option<int> CBase = new Option<int>("--channel-base") { DefaultValueFactory = _ => S.ChannelBase }.Range(1, 1 << 20);
        public readonly Option<int> CMax = new Option<int>("--channel-max") { DefaultValueFactory = _ => S.ChannelMax }.Range(1, 4096);
        public readonly Option<double> Snap = new Option<double>("--snap") { Description = "kimg between checkpoints + Fréchet distance", DefaultValueFactory = _ => D.SnapshotKimg }.Positive(1e6);
        public readonly Option<double> SampleEvery = new Option<double>("--sample-every") { Description = "kimg between sample grids", DefaultValueFactory = _ => D.SampleKimg }.Positive(1e6);
        public readonly Option<string?> FdModel = new Option<string?>("--fd-model") { Description = "ONNX face recognizer for the Fréchet distance (default: fixed random conv features)" }.Path();
        public readonly Option<int> FdImages = new Option<int>("--fd-images") { DefaultValueFactory = _ => D.FdImages }.Range(1, 1_000_000);
        public readonly Option<string> RunDir = new Option<string>("--run-dir") { Required = true }.Path();
        public readonly Option<bool> Resume = new("--resume") { Description = "Continue from the run folder's newest readable checkpoint" };
        public readonly Option<int> Threads = new Option<int>("--threads") { DefaultValueFactory = _ => 0 }.Range(0, 1024);
        public readonly Option<int> Workers = new Option<int>("--workers") { Description = "(images are decoded once into memory; kept for CLI compatibility)", DefaultValueFactory = _ => 0 }.Range(0, 256);
        public readonly Option<int> Seed = new Option<int>("--seed") { DefaultValueFactory = _ => D.Seed }.Range(0, int.MaxValue);

        public Command AddTo(Command cmd)
        {
            foreach (var o in new Option[] { Data, Res, Batch, Kimg, LrG, LrD, Gamma, Pl, AdaTarget, AdaKimg, NoAug, NoNoise, NoiseMax, Mapping, ZDim, WDim, CBase, CMax, Snap, SampleEvery, FdModel, FdImages, RunDir, Resume, Threads, Workers, Seed })
                cmd.Options.Add(o);
            return cmd;
        }

        public GanTrainOptions Options(ParseResult pr) => D with
        {
            RunDir = pr.GetValue(RunDir)!,
            Settings = new GanSettings
            {
                Resolution = pr.GetValue(Res), Kimg = pr.GetValue(Kimg), BatchSize = pr.GetValue(Batch),
                ZDim = pr.GetValue(ZDim), WDim = pr.GetValue(WDim), MappingLayers = pr.GetValue(Mapping), ChannelBase = pr.GetValue(CBase), ChannelMax = pr.GetValue(CMax),
                LrG = pr.GetValue(LrG), LrD = pr.GetValue(LrD), R1Gamma = pr.GetValue(Gamma), PlWeight = pr.GetValue(Pl), AdaTarget = pr.GetValue(AdaTarget),
                NoiseInputs = pr.GetValue(NoNoise) ? false : null, NoiseStrengthMax = pr.GetValue(NoiseMax),
            },
            Augment = !pr.GetValue(NoAug), AdaKimg = pr.GetValue(AdaKimg), SnapshotKimg = pr.GetValue(Snap), SampleKimg = pr.GetValue(SampleEvery),
            FdImages = pr.GetValue(FdImages), Seed = pr.GetValue(Seed),
        };
    }

    public Command Build()
    {
        var o = new Opts();
        var cmd = o.AddTo(new Command("train-gan", "Train a StyleGAN2-ADA generator on unlabeled aligned face images."));
        cmd.SetAction(pr =>
        {
            TorchRuntime.Initialize(pr.GetValue(o.Threads));
            var options = o.Options(pr);
            var gOpts = options.Generator;
            // Local (no libmpi) unless launched by mpirun; then this process is one rank of the job.
            using var comm = Communicators.FromEnvironment();
            options.ValidateParallel(comm.WorldSize); // bad input: one line and exit 2 at the CLI's error boundary
            return DataParallel.Run(comm, $"global batch {options.Settings.BatchSize} = {comm.WorldSize} × {options.Settings.BatchSize / comm.WorldSize}", reporting =>
            {
                using var faces = FaceImageSet.Load(pr.GetValue(o.Data)!, gOpts.Resolution, options.Seed);
                if (reporting)
                {
                    foreach (var s in faces.Skipped) AnsiConsole.MarkupLineInterpolated($"[yellow]skipped[/] {s}");
                    Console.WriteLine($"{faces.Count} images at {gOpts.Resolution}px; G NumWs {gOpts.NumWs}");
                }
                var fdPath = pr.GetValue(o.FdModel);
                FrechetEvaluator? fd = null;
                if (comm.IsRoot) // only rank 0 measures
                {
                    var features = fdPath is null ? FeatureExtractors.RandomConv() : FeatureExtractors.Onnx(fdPath);
                    fd = new FrechetEvaluator(features, faces.Head(options.FdImages), fdPath is null ? "random-conv" : Path.GetFileName(fdPath), options.FdImages);
                }
                using var trainer = new GanTrainer(options, faces, fd, comm, say: Console.WriteLine);
                if (pr.GetValue(o.Resume) && trainer.TryResume() && reporting)
                    Console.WriteLine($"resumed at {trainer.State.ImagesShown / 1000.0:F2} kimg, ada p {trainer.Ada.P:F3}");
                using var cts = new CancellationTokenSource();
                Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
                try
                {
                    if (!reporting) { trainer.Run(null, cts.Token); return 0; }
                    AnsiConsole.Progress().Start(ctx =>
                    {
                        var task = ctx.AddTask("train-gan", maxValue: options.Settings.Kimg);
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
