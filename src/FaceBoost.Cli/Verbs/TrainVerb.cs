using System.CommandLine;
using System.CommandLine.Parsing;
using FaceBoost.Distributed;
using FaceBoost.Losses;
using FaceBoost.Nets;
using FaceBoost.Training;
using Spectre.Console;

namespace FaceBoost.Cli.Verbs;

/// <summary>`faceboost train`: face-recognition training with a margin head, resumable run folder.</summary>
public sealed class TrainVerb : IVerb
{
    /// <summary>The options of a fresh `train` command line (no --resume), defaults filled in, without running anything
    /// (a parse error throws).</summary>
    public static RecognitionTrainOptions OptionsOf(params string[] args)
    {
        var opts = new Opts();
        var pr = opts.AddTo(new Command("train")).Parse(args);
        if (pr.Errors.Count > 0) throw new ArgumentException(string.Join("; ", pr.Errors.Select(e => e.Message)));
        return opts.Options(pr);
    }

    /// <summary>The verb's options. The training knobs' defaults are <see cref="RecognitionSettings.Defaults"/> (what an
    /// experiment's "recognition" section starts from too); the rest are <see cref="RecognitionTrainOptions"/>'s.</summary>
    private sealed class Opts
    {
        private static readonly RecognitionSettings S = RecognitionSettings.Defaults;
        private static readonly RecognitionTrainOptions D = new();

        public readonly Option<string?> Data = new Option<string?>("--data") { Description = "Folder of identity sub-folders (or image root for --list-file)" }.Path();
        public readonly Option<string?> ListFile = new Option<string?>("--list-file") { Description = "List file of '<path> <identity>' lines" }.Path();
        public readonly Option<string> Backbone = new Option<string>("--backbone") { Description = "iresnet18|34|50|100, ir50, irse50, irse18, mobilefacenet", DefaultValueFactory = _ => D.Backbone.Name }.Rule(KnownBackbone);
        public readonly Option<int> InputSize = new Option<int>("--input-size") { Description = "Input side (112, or 32/48/64 for CPU runs)", DefaultValueFactory = _ => D.Backbone.InputSize }.Range(16, 1024);
        public readonly Option<int> Width = new Option<int>("--width") { Description = "Base width (64 published; smaller for CPU)", DefaultValueFactory = _ => D.Backbone.BaseWidth }.Range(4, 1024);
        public readonly Option<int> Emb = new Option<int>("--embedding-size") { DefaultValueFactory = _ => S.EmbeddingSize }.Range(2, 8192);
        public readonly Option<double> Dropout = new Option<double>("--dropout") { DefaultValueFactory = _ => S.Dropout }.Range(0.0, 0.99);
        public readonly Option<int> Channels = new Option<int>("--input-channels") { Description = "3, or 6 (image ⊕ average image)", DefaultValueFactory = _ => D.Backbone.InputChannels }.Rule(v => v is 3 or 6 ? null : "must be 3 or 6");
        public readonly Option<string?> AvgImage = new Option<string?>("--average-image") { Description = "Average image for a 6-channel backbone trained from scratch" }.Path();
        public readonly Option<string> Loss = new Option<string>("--loss") { Description = "arcface|cosface|combined|softmax", DefaultValueFactory = _ => S.Loss }.OneOfIgnoringCase("arcface", "cosface", "combined", "softmax");
        public readonly Option<double?> Margin = new Option<double?>("--margin") { Description = "ArcFace m (0.5) or CosFace m (0.4)", DefaultValueFactory = _ => S.Margin }.Range(0.0, 4.0);
        public readonly Option<double?> Scale = new Option<double?>("--scale") { Description = "Logit scale s (64)", DefaultValueFactory = _ => S.Scale }.Range(0.01, 1024.0);
        public readonly Option<double> Focal = new Option<double>("--focal-gamma") { Description = "Focal loss γ (paper 2; 0 = cross-entropy)", DefaultValueFactory = _ => S.FocalGamma }.Range(0.0, 16.0);
        public readonly Option<string> Optim = new Option<string>("--optimizer") { Description = "sgd|adamw", DefaultValueFactory = _ => S.Optimizer }.OneOfIgnoringCase(OptimizerOptions.Kinds);
        public readonly Option<double> Lr = new Option<double>("--lr") { DefaultValueFactory = _ => S.Lr }.Positive(100);
        public readonly Option<double> Momentum = new Option<double>("--momentum") { DefaultValueFactory = _ => D.Optimizer.Momentum }.Range(0.0, 0.999);
        public readonly Option<double> Wd = new Option<double>("--weight-decay") { Description = "Not applied to BatchNorm or biases", DefaultValueFactory = _ => S.WeightDecay }.Range(0.0, 1.0);
        public readonly Option<string> Schedule = new Option<string>("--schedule") { Description = "step|cosine|poly", DefaultValueFactory = _ => S.Schedule }.OneOf("step", "cosine", "poly");
        public readonly Option<string?> Milestones = new Option<string?>("--milestones") { Description = "Comma-separated epochs for step (paper: 15,20,...,95 → 'paper')" }.Rule(MilestonesProblem);
        public readonly Option<double> Factor = new Option<double>("--step-factor") { DefaultValueFactory = _ => D.Schedule.Factor }.Fraction();
        public readonly Option<double> Warmup = new Option<double>("--warmup-epochs") { DefaultValueFactory = _ => S.WarmupEpochs }.Range(0.0, 1e6);
        public readonly Option<int> Epochs = new Option<int>("--epochs") { DefaultValueFactory = _ => S.Epochs }.Range(1, 1_000_000);
        public readonly Option<int> Batch = new Option<int>("--batch-size") { Description = "Global batch per step (split evenly over mpirun ranks)", DefaultValueFactory = _ => S.BatchSize }.Range(1, 1 << 20);
        public readonly Option<int> Micro = new Option<int>("--micro-batches") { Description = "Accumulate gradients over this many chunks of each rank's batch (1 = off)", DefaultValueFactory = _ => D.MicroBatches }.Range(1, 4096);
        public readonly Option<int> Freeze = new Option<int>("--freeze-body-epochs") { DefaultValueFactory = _ => S.FreezeBodyEpochs }.Range(0, 1_000_000);
        public readonly Option<double> BodyLr = new Option<double>("--body-lr-scale") { Description = "Body (input layer + body) lr = lr × this; e.g. 0.1 to fine-tune an --init-from body slower than the new head", DefaultValueFactory = _ => S.BodyLrScale ?? 1 }.Range(1e-6, 1000.0);
        public readonly Option<int> TransferStages = new Option<int>("--transfer-stages") { Description = "With --init-from an encoder: copy its input layer and the first N of the body's 4 stages (4 = all, as the paper); only those are frozen", DefaultValueFactory = _ => S.TransferStages ?? 4 }.Range(0, 4);
        public readonly Option<double> LabelFraction = new Option<double>("--label-fraction") { DefaultValueFactory = _ => D.Data.LabelFraction }.Fraction();
        public readonly Option<int?> PerId = new Option<int?>("--images-per-identity").Range(1, int.MaxValue);
        public readonly Option<int> Seed = new Option<int>("--seed") { DefaultValueFactory = _ => D.Seed }.Range(0, int.MaxValue);
        public readonly Option<int> Workers = new Option<int>("--workers") { DefaultValueFactory = _ => D.Data.Workers }.Range(0, 256);
        public readonly Option<int> Threads = new Option<int>("--threads") { DefaultValueFactory = _ => D.Threads }.Range(0, 1024);
        public readonly Option<string> RunDir = new Option<string>("--run-dir") { DefaultValueFactory = _ => D.RunDir }.Path();
        public readonly Option<bool> Resume = new("--resume") { Description = "Continue the run in --run-dir from its latest checkpoint (its options.json wins)" };
        public readonly Option<double> Clip = new Option<double>("--clip-grad") { Description = "Max global gradient norm (0 = off)", DefaultValueFactory = _ => D.Optimizer.ClipGradNorm }.Range(0.0, 1e6);
        public readonly Option<string?> InitFrom = new Option<string?>("--init-from") { Description = "Encoder checkpoint whose input layer + body initialise the backbone" }.Path();
        public readonly Option<int> LogEvery = new Option<int>("--log-every") { DefaultValueFactory = _ => D.LogEvery }.Range(1, int.MaxValue);
        public readonly Option<int> CkptEvery = new Option<int>("--checkpoint-every") { Description = "Also checkpoint every N steps (0 = epoch end only)", DefaultValueFactory = _ => D.CheckpointEverySteps }.Range(0, int.MaxValue);
        public readonly Option<int?> ResizeTo = new Option<int?>("--resize-to") { Description = "Resize before random crop (paper: 128 for 112)" }.Range(16, 4096);

        public Command AddTo(Command cmd)
        {
            foreach (var o in new Option[] { Data, ListFile, Backbone, InputSize, Width, Emb, Dropout, Channels, AvgImage, Loss, Margin, Scale, Focal, Optim, Lr, Momentum, Wd,
                         Schedule, Milestones, Factor, Warmup, Epochs, Batch, Micro, Freeze, BodyLr, TransferStages, LabelFraction, PerId, Seed, Workers, Threads, RunDir, Resume, Clip, InitFrom, LogEvery, CkptEvery, ResizeTo })
                cmd.Options.Add(o);
            return cmd;
        }

        /// <summary>A fresh run's options: the knobs through <see cref="RecognitionSettings.ApplyTo"/>, the rest set here.</summary>
        public RecognitionTrainOptions Options(ParseResult pr)
        {
            var ms = pr.GetValue(Milestones);
            IReadOnlyList<double> milestoneList = ms is null ? S.Milestones : ms == "paper" ? ScheduleOptions.PaperMilestones : ParseMilestones(ms);
            var settings = new RecognitionSettings
            {
                EmbeddingSize = pr.GetValue(Emb), Epochs = pr.GetValue(Epochs), BatchSize = pr.GetValue(Batch),
                Loss = pr.GetValue(Loss)!, Scale = pr.GetValue(Scale), Margin = pr.GetValue(Margin), FocalGamma = pr.GetValue(Focal),
                Optimizer = pr.GetValue(Optim)!, Lr = pr.GetValue(Lr), WeightDecay = pr.GetValue(Wd), FreezeBodyEpochs = pr.GetValue(Freeze),
                BodyLrScale = pr.GetValue(BodyLr), TransferStages = pr.GetValue(TransferStages),
                Dropout = pr.GetValue(Dropout), Schedule = pr.GetValue(Schedule)!, Milestones = milestoneList, WarmupEpochs = pr.GetValue(Warmup),
            };
            return settings.ApplyTo(D with
            {
                Data = D.Data with
                {
                    Path = pr.GetValue(Data), ListFile = pr.GetValue(ListFile), LabelFraction = pr.GetValue(LabelFraction),
                    ImagesPerIdentity = pr.GetValue(PerId), Workers = pr.GetValue(Workers), ResizeTo = pr.GetValue(ResizeTo),
                },
                Backbone = D.Backbone with
                {
                    Name = pr.GetValue(Backbone)!, InputSize = pr.GetValue(InputSize), BaseWidth = pr.GetValue(Width), InputChannels = pr.GetValue(Channels),
                },
                Optimizer = D.Optimizer with { Momentum = pr.GetValue(Momentum), ClipGradNorm = pr.GetValue(Clip) },
                Schedule = D.Schedule with { Factor = pr.GetValue(Factor) },
                MicroBatches = pr.GetValue(Micro), Seed = pr.GetValue(Seed), Threads = pr.GetValue(Threads), RunDir = pr.GetValue(RunDir)!,
                InitFrom = pr.GetValue(InitFrom), AverageImagePath = pr.GetValue(AvgImage),
                LogEvery = pr.GetValue(LogEvery), CheckpointEverySteps = pr.GetValue(CkptEvery),
            });
        }
    }

    public Command Build()
    {
        var o = new Opts();
        var cmd = o.AddTo(new Command("train", "Train a face-recognition backbone (ArcFace/CosFace/...) on labelled faces."));
        var verification = TrainVerification.AddTo(cmd); // issue 18: --verify, --verify-every, --verify-best, --tensorboard

        cmd.SetAction(pr =>
        {
            var dir = pr.GetValue(o.RunDir)!;
            var isResume = pr.GetValue(o.Resume);
            RecognitionTrainOptions options;
            if (isResume)
            {
                options = RecognitionTrainer.ReadOptions(dir) with { RunDir = dir };
            }
            else
            {
                options = o.Options(pr);
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
