using System.CommandLine;
using FaceBoost.Distributed;
using FaceBoost.Nets;
using FaceBoost.Runtime;
using FaceBoost.Training;
using Spectre.Console;

namespace FaceBoost.Cli.Verbs;

/// <summary>`faceboost train-encoder`: stage 2, a pSp encoder inverting a frozen generator on unlabeled faces.</summary>
public sealed class TrainEncoderVerb : IVerb
{
    public Command Build()
    {
        var cmd = new Command("train-encoder", "Train a pSp/ReStyle encoder (6-channel IR-SE) to invert a frozen StyleGAN generator on unlabeled aligned faces (no labels, no identity loss).");
        var generator = new Option<string>("--generator") { Description = "Generator checkpoint from `faceboost train-gan`", Required = true }.Path();
        var data = new Option<string>("--data") { Description = "Folder of aligned face images (searched recursively; labels unused)", Required = true }.Path();
        var runDir = new Option<string>("--run-dir") { Description = "Run folder (resumed if it holds a checkpoint)", DefaultValueFactory = _ => "runs/encoder" }.Path();
        var resolution = new Option<int>("--resolution") { Description = "Encoder input / loss size (paper 112; 32–64 on CPU)", DefaultValueFactory = _ => 64 }.Rule(v => v is >= 16 and <= 1024 && v % 16 == 0 ? null : "must be a multiple of 16 from 16 to 1024");
        var batch = new Option<int>("--batch-size") { Description = "Global batch size (paper 8; under mpirun -np N each rank takes batch/N)", DefaultValueFactory = _ => 8 }.Range(1, 1 << 16);
        var micro = new Option<int>("--micro-batches") { Description = "Split each rank's batch into N chunks whose gradients accumulate", DefaultValueFactory = _ => 1 }.Range(1, 4096);
        var steps = new Option<int>("--steps") { Description = "Optimiser steps", DefaultValueFactory = _ => 1000 }.Range(1, int.MaxValue);
        var lr = new Option<double>("--lr") { Description = "Learning rate (paper 1e-4)", DefaultValueFactory = _ => 1e-4 }.Positive(10);
        var optimizer = new Option<string>("--optimizer") { Description = "ranger (paper) or adam", DefaultValueFactory = _ => "ranger" }.OneOf("ranger", "adam");
        var l2 = new Option<double>("--l2-weight") { Description = "Pixel L2 weight (paper 1)", DefaultValueFactory = _ => 1.0 }.Range(0.0, 1e4);
        var perceptual = new Option<double>("--perceptual-weight") { Description = "LPIPS (or MS-SSIM without --lpips-weights) weight (paper 0.8)", DefaultValueFactory = _ => 0.8 }.Range(0.0, 1e4);
        var wnorm = new Option<double>("--wnorm-weight") { Description = "w-norm weight (paper 0)", DefaultValueFactory = _ => 0.0 }.Range(0.0, 1e4);
        var lpips = new Option<string[]>("--lpips-weights") { Description = "PyTorch state dict(s) of LPIPS-AlexNet (trunk + lin layers); without it the perceptual term is 1 − MS-SSIM", AllowMultipleArgumentsPerToken = true }.Rule(v => v.FirstOrDefault(p => p.Length == 0 || p.Any(char.IsControl)) is { } bad ? $"'{bad}' is not a usable path (empty or with control characters)" : null);
        var depth = new Option<int>("--depth") { Description = "IR-SE depth: 50 (paper), 100, 152, or 18/34 for CPU", DefaultValueFactory = _ => 50 }.Rule(v => v is 18 or 34 or 50 or 100 or 152 ? null : "must be 18, 34, 50, 100 or 152");
        var mode = new Option<string>("--mode") { Description = "ir_se (paper) or ir", DefaultValueFactory = _ => "ir_se" }.OneOf("ir_se", "ir");
        var width = new Option<int>("--width") { Description = "First-stage channels (64 as IR-SE-50; smaller for CPU)", DefaultValueFactory = _ => 64 }.Range(4, 1024);
        var head = new Option<StyleHead>("--head") { Description = "Pool (output_pool + linear, CPU default) or Gradual (ReStyle GradualStyleBlocks)", DefaultValueFactory = _ => StyleHead.Pool };
        var iterations = new Option<int>("--iterations") { Description = "ReStyle refinement passes (paper 1)", DefaultValueFactory = _ => 1 }.Range(1, 100);
        var gridEvery = new Option<int>("--grid-every") { Description = "Save a reconstruction grid every N steps", DefaultValueFactory = _ => 100 }.Range(1, int.MaxValue);
        var ckptEvery = new Option<int>("--checkpoint-every") { Description = "Checkpoint every N steps", DefaultValueFactory = _ => 200 }.Range(1, int.MaxValue);
        var logEvery = new Option<int>("--log-every") { Description = "Write a stats.jsonl row every N steps", DefaultValueFactory = _ => 10 }.Range(1, int.MaxValue);
        var maxImages = new Option<int>("--max-images") { Description = "Use at most N images (0 = all)", DefaultValueFactory = _ => 0 }.Range(0, int.MaxValue);
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 0 }.Range(0, int.MaxValue);
        var threads = new Option<int>("--threads") { Description = "libtorch threads (0 = default)", DefaultValueFactory = _ => 0 }.Range(0, 1024);
        foreach (var o in new Option[] { generator, data, runDir, resolution, batch, steps, lr, optimizer, l2, perceptual, wnorm, lpips, depth, mode, width, head, iterations, gridEvery, ckptEvery, logEvery, maxImages, seed, threads, micro })
            cmd.Options.Add(o);
        cmd.SetAction(pr =>
        {
            TorchRuntime.Initialize(pr.GetValue(threads));
            var options = new EncoderTrainOptions(
                pr.GetValue(generator), pr.GetValue(data), pr.GetValue(runDir)!, pr.GetValue(resolution), pr.GetValue(batch), pr.GetValue(steps),
                pr.GetValue(lr), pr.GetValue(optimizer)!, pr.GetValue(l2), pr.GetValue(perceptual), pr.GetValue(wnorm), pr.GetValue(lpips),
                pr.GetValue(depth), pr.GetValue(mode)!, pr.GetValue(width), pr.GetValue(head), pr.GetValue(iterations),
                pr.GetValue(gridEvery), pr.GetValue(ckptEvery), pr.GetValue(logEvery), MaxImages: pr.GetValue(maxImages), Seed: pr.GetValue(seed), MicroBatches: pr.GetValue(micro));
            options.Validate();
            // Local (no libmpi) unless launched by mpirun; then this process is one rank of the job.
            using var comm = Communicators.FromEnvironment();
            options.ValidateParallel(comm.WorldSize); // bad input: one line and exit 2 at the CLI's error boundary
            return DataParallel.Run(comm, $"global batch {options.BatchSize} = {comm.WorldSize} × {options.BatchSize / comm.WorldSize}", reporting =>
            {
                using var g = GanCheckpoint.LoadFrozen(options.GeneratorCheckpoint!);
                using var faces = FaceTensorSet.FromFolder(options.DataFolder!, options.Resolution, options.MaxImages);
                if (reporting)
                    foreach (var (file, reason) in faces.Skipped) AnsiConsole.MarkupLineInterpolated($"[yellow]skipped[/] {file}: {reason}");
                if (reporting) AnsiConsole.MarkupLineInterpolated($"{faces.Count} faces at {options.Resolution} px; generator W+ {g.NumWs}×{g.WDim}; run {options.RunDir}");
                var trainer = new EncoderTrainer(options, g, e => faces.Epoch(e, options.BatchSize, options.Seed), comm);
                if (!reporting) return trainer.Run().StoppedOnNaN ? 3 : 0;
                EncoderRunResult? result = null;
                AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                    .Start(ctx =>
                    {
                        var task = ctx.AddTask("encoder", maxValue: options.Steps);
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
