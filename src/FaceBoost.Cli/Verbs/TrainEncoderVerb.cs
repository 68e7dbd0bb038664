using System.CommandLine;
using System.CommandLine.Parsing;
using FaceBoost.Distributed;
using FaceBoost.Nets;
using FaceBoost.Runtime;
using FaceBoost.Training;
using Spectre.Console;

namespace FaceBoost.Cli.Verbs;

/// <summary>`faceboost train-encoder`: stage 2, a pSp encoder inverting a frozen generator on unlabeled faces.</summary>
public sealed class TrainEncoderVerb : IVerb
{
    /// <summary>The options of a `train-encoder` command line, defaults filled in, without running anything (a parse
    /// error throws).</summary>
    public static EncoderTrainOptions OptionsOf(params string[] args)
    {
        var opts = new Opts();
        var pr = opts.AddTo(new Command("train-encoder")).Parse(args);
        if (pr.Errors.Count > 0) throw new ArgumentException(string.Join("; ", pr.Errors.Select(e => e.Message)));
        return opts.Options(pr);
    }

    /// <summary>The verb's options. Every training default is read from <see cref="EncoderTrainOptions.Defaults"/> (its
    /// <see cref="EncoderSettings"/> is what an experiment's "encoder" section starts from too).</summary>
    private sealed class Opts
    {
        private static readonly EncoderTrainOptions D = EncoderTrainOptions.Defaults;
        private static readonly EncoderSettings S = D.Settings;

        public readonly Option<string> Generator = new Option<string>("--generator") { Description = "Generator checkpoint from `faceboost train-gan`", Required = true }.Path();
        public readonly Option<string> Data = new Option<string>("--data") { Description = "Folder of aligned face images (searched recursively; labels unused)", Required = true }.Path();
        public readonly Option<string> RunDir = new Option<string>("--run-dir") { Description = "Run folder (resumed if it holds a checkpoint)", DefaultValueFactory = _ => "runs/encoder" }.Path();
        public readonly Option<int> Resolution = new Option<int>("--resolution") { Description = "Encoder input / loss size (paper 112; 32–64 on CPU)", DefaultValueFactory = _ => D.Resolution }.Rule(v => v is >= 16 and <= 1024 && v % 16 == 0 ? null : "must be a multiple of 16 from 16 to 1024");
        public readonly Option<int> Batch = new Option<int>("--batch-size") { Description = "Global batch size (paper 8; under mpirun -np N each rank takes batch/N)", DefaultValueFactory = _ => S.BatchSize }.Range(1, 1 << 16);
        public readonly Option<int> Micro = new Option<int>("--micro-batches") { Description = "Split each rank's batch into N chunks whose gradients accumulate", DefaultValueFactory = _ => D.MicroBatches }.Range(1, 4096);
        public readonly Option<int> Steps = new Option<int>("--steps") { Description = "Optimiser steps", DefaultValueFactory = _ => S.Steps }.Range(1, int.MaxValue);
        public readonly Option<double> Lr = new Option<double>("--lr") { Description = "Learning rate (paper 1e-4)", DefaultValueFactory = _ => S.Lr }.Positive(10);
        public readonly Option<string> Optimizer = new Option<string>("--optimizer") { Description = "ranger (paper) or adam", DefaultValueFactory = _ => S.Optimizer }.OneOf(EncoderSettings.Optimizers);
        public readonly Option<double> L2 = new Option<double>("--l2-weight") { Description = "Pixel L2 weight (paper 1)", DefaultValueFactory = _ => S.L2Weight }.Range(0.0, 1e4);
        public readonly Option<double> Perceptual = new Option<double>("--perceptual-weight") { Description = "LPIPS (or MS-SSIM without --lpips-weights) weight (paper 0.8)", DefaultValueFactory = _ => S.PerceptualWeight }.Range(0.0, 1e4);
        public readonly Option<string> InversionNoise = new Option<string>("--inversion-noise") { Description = "The generator's noise inputs while inverting: const (pSp) or none", DefaultValueFactory = _ => S.InversionNoise ?? "const" }.OneOf(EncoderSettings.InversionNoises);
        public readonly Option<double> WNorm = new Option<double>("--wnorm-weight") { Description = "w-norm weight (paper 0)", DefaultValueFactory = _ => S.WNormWeight }.Range(0.0, 1e4);
        public readonly Option<string[]> Lpips = new Option<string[]>("--lpips-weights") { Description = "PyTorch state dict(s) of LPIPS-AlexNet (trunk + lin layers); without it the perceptual term is 1 − MS-SSIM", AllowMultipleArgumentsPerToken = true }.Rule(v => v.FirstOrDefault(p => p.Length == 0 || p.Any(char.IsControl)) is { } bad ? $"'{bad}' is not a usable path (empty or with control characters)" : null);
        public readonly Option<int> Depth = new Option<int>("--depth") { Description = "IR-SE depth: 50 (paper), 100, 152, or 18/34 for CPU", DefaultValueFactory = _ => D.NumLayers }.Rule(v => v is 18 or 34 or 50 or 100 or 152 ? null : "must be 18, 34, 50, 100 or 152");
        public readonly Option<string> Mode = new Option<string>("--mode") { Description = "ir_se (paper) or ir", DefaultValueFactory = _ => D.Mode }.OneOf("ir_se", "ir");
        public readonly Option<int> Width = new Option<int>("--width") { Description = "First-stage channels (64 as IR-SE-50; smaller for CPU)", DefaultValueFactory = _ => D.Width }.Range(4, 1024);
        public readonly Option<StyleHead> Head = new("--head") { Description = "Pool (output_pool + linear, CPU default) or Gradual (ReStyle GradualStyleBlocks)", DefaultValueFactory = _ => D.Head };
        public readonly Option<int> Iterations = new Option<int>("--iterations") { Description = "ReStyle refinement passes (paper 1)", DefaultValueFactory = _ => D.Iterations }.Range(1, 100);
        public readonly Option<int> GridEvery = new Option<int>("--grid-every") { Description = "Save a reconstruction grid every N steps", DefaultValueFactory = _ => D.GridEvery }.Range(1, int.MaxValue);
        public readonly Option<int> CkptEvery = new Option<int>("--checkpoint-every") { Description = "Checkpoint every N steps", DefaultValueFactory = _ => D.CheckpointEvery }.Range(1, int.MaxValue);
        public readonly Option<int> LogEvery = new Option<int>("--log-every") { Description = "Write a stats.jsonl row every N steps", DefaultValueFactory = _ => D.LogEvery }.Range(1, int.MaxValue);
        public readonly Option<int> MaxImages = new Option<int>("--max-images") { Description = "Use at most N images (0 = all)", DefaultValueFactory = _ => D.MaxImages }.Range(0, int.MaxValue);
        public readonly Option<int> Seed = new Option<int>("--seed") { DefaultValueFactory = _ => D.Seed }.Range(0, int.MaxValue);
        public readonly Option<int> Threads = new Option<int>("--threads") { Description = "libtorch threads (0 = default)", DefaultValueFactory = _ => 0 }.Range(0, 1024);

        public Command AddTo(Command cmd)
        {
            foreach (var o in new Option[] { Generator, Data, RunDir, Resolution, Batch, Steps, Lr, Optimizer, L2, Perceptual, WNorm, InversionNoise, Lpips, Depth, Mode, Width, Head, Iterations, GridEvery, CkptEvery, LogEvery, MaxImages, Seed, Threads, Micro })
                cmd.Options.Add(o);
            return cmd;
        }

        public EncoderTrainOptions Options(ParseResult pr) => D with
        {
            GeneratorCheckpoint = pr.GetValue(Generator), DataFolder = pr.GetValue(Data), RunDir = pr.GetValue(RunDir)!,
            Settings = new EncoderSettings
            {
                Steps = pr.GetValue(Steps), BatchSize = pr.GetValue(Batch), Lr = pr.GetValue(Lr), Optimizer = pr.GetValue(Optimizer)!,
                L2Weight = pr.GetValue(L2), PerceptualWeight = pr.GetValue(Perceptual), WNormWeight = pr.GetValue(WNorm),
                InversionNoise = pr.GetValue(InversionNoise) is "const" ? null : pr.GetValue(InversionNoise),
            },
            Resolution = pr.GetValue(Resolution), LpipsWeights = pr.GetValue(Lpips), NumLayers = pr.GetValue(Depth), Mode = pr.GetValue(Mode)!,
            Width = pr.GetValue(Width), Head = pr.GetValue(Head), Iterations = pr.GetValue(Iterations), GridEvery = pr.GetValue(GridEvery),
            CheckpointEvery = pr.GetValue(CkptEvery), LogEvery = pr.GetValue(LogEvery), MaxImages = pr.GetValue(MaxImages), Seed = pr.GetValue(Seed),
            MicroBatches = pr.GetValue(Micro),
        };
    }

    public Command Build()
    {
        var o = new Opts();
        var cmd = o.AddTo(new Command("train-encoder", "Train a pSp/ReStyle encoder (6-channel IR-SE) to invert a frozen StyleGAN generator on unlabeled aligned faces (no labels, no identity loss)."));
        cmd.SetAction(pr =>
        {
            TorchRuntime.Initialize(pr.GetValue(o.Threads));
            var options = o.Options(pr);
            options.Validate();
            // Local (no libmpi) unless launched by mpirun; then this process is one rank of the job.
            using var comm = Communicators.FromEnvironment();
            options.ValidateParallel(comm.WorldSize); // bad input: one line and exit 2 at the CLI's error boundary
            return DataParallel.Run(comm, $"global batch {options.Settings.BatchSize} = {comm.WorldSize} × {options.Settings.BatchSize / comm.WorldSize}", reporting =>
            {
                using var g = GanCheckpoint.LoadFrozen(options.GeneratorCheckpoint!, options.Settings.InversionNoiseMode);
                using var faces = FaceTensorSet.FromFolder(options.DataFolder!, options.Resolution, options.MaxImages);
                if (reporting)
                    foreach (var (file, reason) in faces.Skipped) AnsiConsole.MarkupLineInterpolated($"[yellow]skipped[/] {file}: {reason}");
                if (reporting) AnsiConsole.MarkupLineInterpolated($"{faces.Count} faces at {options.Resolution} px; generator W+ {g.NumWs}×{g.WDim}; run {options.RunDir}");
                var trainer = new EncoderTrainer(options, g, e => faces.Epoch(e, options.Settings.BatchSize, options.Seed), comm);
                if (!reporting) return trainer.Run().StoppedOnNaN ? 3 : 0;
                EncoderRunResult? result = null;
                AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                    .Start(ctx =>
                    {
                        var task = ctx.AddTask("encoder", maxValue: options.Settings.Steps);
                        result = trainer.Run(new Progress<EncoderStepStats>(s =>
                        {
                            task.Value = s.Step;
                            task.Description = $"step {s.Step} l2 {s.L2:F4} perc {s.Perceptual:F4} {s.ImagesPerSecond:F1} img/s";
                        }));
                    });
                if (result!.StoppedOnNaN)
                {
                    AnsiConsole.MarkupLineInterpolated($"[red]non-finite loss at step {result.Steps + 1}: stopped; last good checkpoint kept[/] ({result.Checkpoint})");
                    return 3;
                }
                var last = result.Stats.Count > 0 ? result.Stats[^1] : null;
                var tail = last is null ? "" : $", last l2 {last.L2:F4}";
                AnsiConsole.MarkupLineInterpolated($"done: {result.Steps} steps, checkpoint {result.Checkpoint}{tail}");
                return 0;
            });
        });
        return cmd;
    }
}
