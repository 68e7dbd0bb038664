using System.CommandLine;
using FaceBoost.Distributed;
using FaceBoost.Losses;
using FaceBoost.Nets;
using FaceBoost.Training;
using Spectre.Console;

namespace FaceBoost.Cli.Verbs;

/// <summary>`faceboost train`: face-recognition training with a margin head, resumable run folder.</summary>
public sealed class TrainVerb : IVerb
{
    public Command Build()
    {
        var cmd = new Command("train", "Train a face-recognition backbone (ArcFace/CosFace/...) on labelled faces.");
        var data = new Option<string?>("--data") { Description = "Folder of identity sub-folders (or image root for --list-file)" }.Path();
        var listFile = new Option<string?>("--list-file") { Description = "List file of '<path> <identity>' lines" }.Path();
        var backbone = new Option<string>("--backbone") { Description = "iresnet18|34|50|100, ir50, irse50, irse18, mobilefacenet", DefaultValueFactory = _ => "iresnet50" }.Rule(KnownBackbone);
        var inputSize = new Option<int>("--input-size") { Description = "Input side (112, or 32/48/64 for CPU runs)", DefaultValueFactory = _ => 112 }.Range(16, 1024);
        var width = new Option<int>("--width") { Description = "Base width (64 published; smaller for CPU)", DefaultValueFactory = _ => 64 }.Range(4, 1024);
        var emb = new Option<int>("--embedding-size") { DefaultValueFactory = _ => 512 }.Range(2, 8192);
        var dropout = new Option<double>("--dropout") { DefaultValueFactory = _ => 0 }.Range(0.0, 0.99);
        var channels = new Option<int>("--input-channels") { Description = "3, or 6 (image ⊕ average image)", DefaultValueFactory = _ => 3 }.Rule(v => v is 3 or 6 ? null : "must be 3 or 6");
        var avgImage = new Option<string?>("--average-image") { Description = "Average image for a 6-channel backbone trained from scratch" }.Path();
        var loss = new Option<string>("--loss") { Description = "arcface|cosface|combined|softmax", DefaultValueFactory = _ => "arcface" }.OneOfIgnoringCase("arcface", "cosface", "combined", "softmax");
        var margin = new Option<double?>("--margin") { Description = "ArcFace m (0.5) or CosFace m (0.4)" }.Range(0.0, 4.0);
        var scale = new Option<double?>("--scale") { Description = "Logit scale s (64)" }.Range(0.01, 1024.0);
        var focal = new Option<double>("--focal-gamma") { Description = "Focal loss γ (paper 2; 0 = cross-entropy)", DefaultValueFactory = _ => 0 }.Range(0.0, 16.0);
        var optim = new Option<string>("--optimizer") { Description = "sgd|adamw", DefaultValueFactory = _ => "sgd" }.OneOfIgnoringCase(OptimizerOptions.Kinds);
        var lr = new Option<double>("--lr") { DefaultValueFactory = _ => 0.1 }.Positive(100);
        var momentum = new Option<double>("--momentum") { DefaultValueFactory = _ => 0.9 }.Range(0.0, 0.999);
        var wd = new Option<double>("--weight-decay") { Description = "Not applied to BatchNorm or biases", DefaultValueFactory = _ => 5e-4 }.Range(0.0, 1.0);
        var schedule = new Option<string>("--schedule") { Description = "step|cosine|poly", DefaultValueFactory = _ => "step" }.OneOf("step", "cosine", "poly");
        var milestones = new Option<string?>("--milestones") { Description = "Comma-separated epochs for step (paper: 15,20,...,95 → 'paper')" }.Rule(MilestonesProblem);
        var factor = new Option<double>("--step-factor") { DefaultValueFactory = _ => 1 / 1.5 }.Fraction();
        var warmup = new Option<double>("--warmup-epochs") { DefaultValueFactory = _ => 0 }.Range(0.0, 1e6);
        var epochs = new Option<int>("--epochs") { DefaultValueFactory = _ => 10 }.Range(1, 1_000_000);
        var batch = new Option<int>("--batch-size") { Description = "Global batch per step (split evenly over mpirun ranks)", DefaultValueFactory = _ => 64 }.Range(1, 1 << 20);
        var micro = new Option<int>("--micro-batches") { Description = "Accumulate gradients over this many chunks of each rank's batch (1 = off)", DefaultValueFactory = _ => 1 }.Range(1, 4096);
        var freeze = new Option<int>("--freeze-body-epochs") { DefaultValueFactory = _ => 0 }.Range(0, 1_000_000);
        var labelFraction = new Option<double>("--label-fraction") { DefaultValueFactory = _ => 1.0 }.Fraction();
        var perId = new Option<int?>("--images-per-identity").Range(1, int.MaxValue);
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 0 }.Range(0, int.MaxValue);
        var workers = new Option<int>("--workers") { DefaultValueFactory = _ => 2 }.Range(0, 256);
        var threads = new Option<int>("--threads") { DefaultValueFactory = _ => 2 }.Range(0, 1024);
        var runDir = new Option<string>("--run-dir") { DefaultValueFactory = _ => "runs/train" }.Path();
        var resume = new Option<bool>("--resume") { Description = "Continue the run in --run-dir from its latest checkpoint (its options.json wins)" };
        var clip = new Option<double>("--clip-grad") { Description = "Max global gradient norm (0 = off)", DefaultValueFactory = _ => 0 }.Range(0.0, 1e6);
        var initFrom = new Option<string?>("--init-from") { Description = "Encoder checkpoint whose input layer + body initialise the backbone" }.Path();
        var logEvery = new Option<int>("--log-every") { DefaultValueFactory = _ => 10 }.Range(1, int.MaxValue);
        var ckptEvery = new Option<int>("--checkpoint-every") { Description = "Also checkpoint every N steps (0 = epoch end only)", DefaultValueFactory = _ => 0 }.Range(0, int.MaxValue);
        var resizeTo = new Option<int?>("--resize-to") { Description = "Resize before random crop (paper: 128 for 112)" }.Range(16, 4096);
        foreach (var o in new Option[] { data, listFile, backbone, inputSize, width, emb, dropout, channels, avgImage, loss, margin, scale, focal, optim, lr, momentum, wd,
                     schedule, milestones, factor, warmup, epochs, batch, micro, freeze, labelFraction, perId, seed, workers, threads, runDir, resume, clip, initFrom, logEvery, ckptEvery, resizeTo })
            cmd.Options.Add(o);
        var verification = TrainVerification.AddTo(cmd); // issue 18: --verify, --verify-every, --verify-best, --tensorboard

        cmd.SetAction(pr =>
        {
            var dir = pr.GetValue(runDir)!;
            var isResume = pr.GetValue(resume);
            RecognitionTrainOptions options;
            if (isResume)
            {
                options = RecognitionTrainer.ReadOptions(dir) with { RunDir = dir };
            }
            else
            {
                var ms = pr.GetValue(milestones);
                IReadOnlyList<double> milestoneList = ms is null ? [] : ms == "paper" ? ScheduleOptions.PaperMilestones
                    : ParseMilestones(ms);
                options = new RecognitionTrainOptions
                {
                    Data = new TrainDataOptions
                    {
                        Path = pr.GetValue(data), ListFile = pr.GetValue(listFile), LabelFraction = pr.GetValue(labelFraction),
                        ImagesPerIdentity = pr.GetValue(perId), Workers = pr.GetValue(workers), ResizeTo = pr.GetValue(resizeTo),
                    },
                    Backbone = new BackboneOptions
                    {
                        Name = pr.GetValue(backbone)!, InputSize = pr.GetValue(inputSize), BaseWidth = pr.GetValue(width),
                        EmbeddingSize = pr.GetValue(emb), Dropout = pr.GetValue(dropout), InputChannels = pr.GetValue(channels),
                    },
                    Head = new HeadOptions { Loss = pr.GetValue(loss)!, Margin = pr.GetValue(margin), Scale = pr.GetValue(scale), FocalGamma = pr.GetValue(focal) },
                    Optimizer = new OptimizerOptions
                    {
                        Kind = pr.GetValue(optim)!, LearningRate = pr.GetValue(lr), Momentum = pr.GetValue(momentum),
                        WeightDecay = pr.GetValue(wd), ClipGradNorm = pr.GetValue(clip),
                    },
                    Schedule = new ScheduleOptions { Kind = pr.GetValue(schedule)!, Milestones = milestoneList, Factor = pr.GetValue(factor), WarmupEpochs = pr.GetValue(warmup) },
                    Epochs = pr.GetValue(epochs), BatchSize = pr.GetValue(batch), MicroBatches = pr.GetValue(micro), Seed = pr.GetValue(seed), Threads = pr.GetValue(threads),
                    RunDir = dir, FreezeBodyEpochs = pr.GetValue(freeze), InitFrom = pr.GetValue(initFrom), AverageImagePath = pr.GetValue(avgImage),
                    LogEvery = pr.GetValue(logEvery), CheckpointEverySteps = pr.GetValue(ckptEvery),
                };
                if (options.InitFrom is { } init) BackboneInitializers.Find(init); // fail early with a clear message
            }

            // Local (no libmpi) unless launched by mpirun; then this process is one rank of the job.
            using var comm = Communicators.FromEnvironment();
            return DataParallel.Run(comm, $"global batch {options.BatchSize} = {comm.WorldSize} × {options.BatchPerRank(comm.WorldSize)}", reporting =>
            {
                try
                {
                    using var source = FaceLoaderBatchSource.Create(options, comm.Rank, comm.WorldSize);
                    using var verifier = reporting ? verification.Create(pr, options.RunDir) : null; // issue 18
                    var trainer = new RecognitionTrainer(options, source, comm) { Say = reporting ? Console.WriteLine : null, Verifier = verifier };
                    if (!reporting)
                    {
                        // Non-root ranks train silently: rank 0 alone reports, logs and checkpoints.
                        trainer.Run(isResume, null, CancellationToken.None);
                        return 0;
                    }
                    using var cts = new CancellationTokenSource();
                    Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
                    TrainResult? result = null;
                    AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                        .Start(ctx =>
                        {
                            var task = ctx.AddTask("training", maxValue: (double)options.Epochs * source.BatchesPerEpoch);
                            var progress = new Progress<TrainProgress>(p =>
                            {
                                task.Value = p.GlobalStep;
                                task.Description = $"ep {p.Epoch + 1}/{p.Epochs} loss {p.Loss:F3} acc {p.Accuracy:P0} lr {p.LearningRate:G3} {p.ImagesPerSecond:F1} img/s";
                            });
                            result = trainer.Run(isResume, progress, cts.Token);
                        });
                    AnsiConsole.MarkupLine($"steps {result!.GlobalStep}, last loss {result.LastLoss:F4}, acc {result.LastAccuracy:P1}; checkpoint [green]{Markup.Escape(result.LastCheckpoint ?? "-")}[/]");
                    return 0;
                }
                catch (TrainingDivergedException ex)
                {
                    AnsiConsole.MarkupLine($"[red]{Markup.Escape(ex.Message)}[/]");
                    return 3;
                }
            });
        });
        return cmd;
    }

    private static double[] ParseMilestones(string list) =>
        list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(m => double.Parse(m, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    /// <summary>'paper', or comma-separated epochs ≥ 0 in increasing order.</summary>
    private static string? MilestonesProblem(string? list)
    {
        if (list is null || list == "paper") return null;
        var parts = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0) return "must be 'paper' or comma-separated epochs";
        double previous = double.NegativeInfinity;
        foreach (var p in parts)
        {
            if (!double.TryParse(p, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var m) || !double.IsFinite(m))
                return $"'{p}' is not a number (use 'paper' or comma-separated epochs, e.g. 8,12)";
            if (m < 0 || m <= previous) return "epochs must be ≥ 0 and increasing";
            previous = m;
        }
        return null;
    }

    private static string? KnownBackbone(string name)
    {
        var n = name.Trim().ToLowerInvariant().Replace("_", "").Replace("-", "");
        return BackboneFactory.KnownNames.Contains(n) ? null : $"unknown backbone; use one of {string.Join(", ", BackboneFactory.KnownNames)}";
    }
}
