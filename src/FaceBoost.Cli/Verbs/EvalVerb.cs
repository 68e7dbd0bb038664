using System.CommandLine;
using System.Globalization;
using FaceBoost.Data;
using FaceBoost.Evaluation;
using Spectre.Console;

namespace FaceBoost.Cli.Verbs;

/// <summary>`faceboost eval`: face verification of a model (ONNX or checkpoint) on pairs.</summary>
public sealed class EvalVerb : IVerb
{
    public Command Build()
    {
        var model = new Option<string>("--model") { Description = "Model to evaluate: *.onnx or a FaceBoost checkpoint", Required = true };
        var pairs = new Option<string[]>("--pairs")
        {
            Description = "Pair list (LFW/RFW/generic); repeat as group=file for per-group files (RFW: --pairs African=African_pairs.txt ...)",
            AllowMultipleArgumentsPerToken = false,
        };
        var pairsFormat = new Option<PairFileFormat>("--pairs-format") { Description = "auto | lfw (also RFW) | generic ('pathA pathB label [group]')", DefaultValueFactory = _ => PairFileFormat.Auto };
        var images = new Option<string?>("--images") { Description = "Image root for pair lists ('{group}' is replaced by the group name)" };
        var dataset = new Option<string?>("--dataset") { Description = "Labeled set to generate pairs from: identity folders or a '<file> <id>' list" };
        var numPairs = new Option<int>("--num-pairs") { Description = "Pairs to generate with --dataset (half genuine)", DefaultValueFactory = _ => 2000 };
        var seed = new Option<int>("--seed") { Description = "Seed for generated pairs and stratified folds", DefaultValueFactory = _ => 0 };
        var groups = new Option<string?>("--groups") { Description = "File of '<identity|file> <group>' lines for per-group results" };
        var flip = new Option<bool>("--flip") { Description = "Flip-sum embeddings (embedding + embedding of the mirrored image), as the paper" };
        var preprocess = new Option<string>("--preprocess")
        {
            Description = "resize (stretch to input size) | resize-crop (paper: 128 → centre 112) | pad (pad to square, resize) | crop-square",
            DefaultValueFactory = _ => "resize",
        };
        var inputSize = new Option<int?>("--input-size") { Description = "Model input size (read from the model when static)" };
        var mean = new Option<string>("--mean") { Description = "Pixel mean (0–255), one value or r,g,b", DefaultValueFactory = _ => "127.5" };
        var std = new Option<string>("--std") { Description = "Pixel std (0–255), one value or r,g,b", DefaultValueFactory = _ => "128" };
        var bgr = new Option<bool>("--bgr") { Description = "The model takes BGR channels" };
        var nhwc = new Option<bool>("--nhwc") { Description = "The model takes NHWC input (default: inferred, else NCHW)" };
        var batch = new Option<int>("--batch-size") { Description = "Images per model call", DefaultValueFactory = _ => 32 };
        var threads = new Option<int>("--threads") { Description = "Runtime threads (0 = all cores)", DefaultValueFactory = _ => 0 };
        var folds = new Option<int>("--folds") { Description = "Folds of the accuracy protocol", DefaultValueFactory = _ => 10 };
        var linearFar = new Option<bool>("--linear-far") { Description = "Plot the ROC with a linear FAR axis (default log)" };
        var outDir = new Option<string?>("--out") { Description = "Folder for results.json, roc.png and table.md" };

        var cmd = new Command("eval", "Face verification: 10-fold accuracy, TAR@FAR, ROC/AUC/EER, per-group Avg/Std/SER.");
        foreach (var o in new Option[] { model, pairs, pairsFormat, images, dataset, numPairs, seed, groups, flip, preprocess, inputSize, mean, std, bgr, nhwc, batch, threads, folds, linearFar, outDir })
            cmd.Options.Add(o);

        cmd.SetAction(pr =>
        {
            try
            {
                var pairFiles = pr.GetValue(pairs) ?? [];
                var ds = pr.GetValue(dataset);
                if ((pairFiles.Length == 0) == (ds is null))
                    throw new ArgumentException("give either --pairs <file> (repeatable) or --dataset <folder|list>");
                List<VerificationPair> list;
                FoldScheme scheme;
                if (ds is not null)
                {
                    list = PairGenerator.Generate(LabeledImageList.Load(ds, pr.GetValue(images)), pr.GetValue(numPairs), pr.GetValue(seed));
                    scheme = FoldScheme.Stratified;
                }
                else
                {
                    list = [];
                    foreach (var spec in pairFiles)
                    {
                        int eq = spec.IndexOf('=');
                        // "group=file", unless the '=' is part of an existing file name.
                        var (group, file) = eq > 0 && !File.Exists(spec) ? (spec[..eq], spec[(eq + 1)..]) : ((string?)null, spec);
                        list.AddRange(PairFileReader.Read(file, pr.GetValue(images), group, pr.GetValue(pairsFormat)));
                    }
                    scheme = FoldScheme.Consecutive; // published lists: their own consecutive folds
                }
                if (pr.GetValue(groups) is { } gf) list = GroupAssignment.Apply(list, gf);

                var embedderOptions = new EmbedderOptions
                {
                    InputSize = pr.GetValue(inputSize), Mean = ParseFloats(pr.GetValue(mean)!, "--mean"), Std = ParseFloats(pr.GetValue(std)!, "--std"),
                    ChannelOrder = pr.GetValue(bgr) ? ChannelOrder.Bgr : ChannelOrder.Rgb, Layout = pr.GetValue(nhwc) ? TensorLayout.Nhwc : null,
                    BatchSize = pr.GetValue(batch), Threads = pr.GetValue(threads),
                };
                var modelPath = pr.GetValue(model)!;
                using var embedder = EmbedderFactory.Open(modelPath, embedderOptions);
                AnsiConsole.MarkupLine($"[grey]{Markup.Escape(embedder.ToString() ?? modelPath)}; {list.Count} pairs[/]");

                VerificationReport report = null!;
                AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                    .Start(ctx =>
                    {
                        var task = ctx.AddTask("embedding images");
                        report = VerificationEvaluator.Evaluate(embedder, list, new EvalOptions
                        {
                            ModelName = modelPath,
                            Extraction = new ExtractionOptions { FlipSum = pr.GetValue(flip), Preprocess = ParsePreprocess(pr.GetValue(preprocess)!), BatchSize = Math.Max(pr.GetValue(batch), 1) },
                            Metrics = new MetricsOptions { Folds = pr.GetValue(folds), FoldScheme = scheme, Seed = pr.GetValue(seed) },
                            Progress = new TaskProgress(task),
                        });
                        task.Value = task.MaxValue;
                    });

                var table = ReportTableWriter.Format(report);
                Console.WriteLine(table);
                if (pr.GetValue(outDir) is { } dir)
                {
                    Directory.CreateDirectory(dir);
                    ReportJsonWriter.Save(report, Path.Combine(dir, "results.json"));
                    File.WriteAllText(Path.Combine(dir, "table.md"), table);
                    RocPlotWriter.Save(report, Path.Combine(dir, "roc.png"), logFar: !pr.GetValue(linearFar));
                    Console.WriteLine($"wrote {Path.Combine(dir, "results.json")}, table.md, roc.png");
                }
                return 0;
            }
            catch (Exception ex) when (ex is ArgumentException or FileNotFoundException or InvalidDataException or FormatException
                                       or NotSupportedException or InvalidOperationException or IOException)
            {
                Console.Error.WriteLine($"faceboost eval: {ex.Message}");
                return 2;
            }
        });
        return cmd;
    }

    private static FacePreprocess ParsePreprocess(string s) => s.ToLowerInvariant() switch
    {
        "resize" => FacePreprocess.Resize,
        "resize-crop" or "resizecentercrop" => FacePreprocess.ResizeCenterCrop,
        "pad" or "padresize" => FacePreprocess.PadResize,
        "crop-square" or "cropsquareresize" => FacePreprocess.CropSquareResize,
        _ => throw new ArgumentException($"--preprocess '{s}' is not one of resize, resize-crop, pad, crop-square"),
    };

    private static float[] ParseFloats(string s, string what)
    {
        try { return [.. s.Split(',', StringSplitOptions.TrimEntries).Select(v => float.Parse(v, CultureInfo.InvariantCulture))]; }
        catch (FormatException) { throw new ArgumentException($"{what} '{s}' is not one number or three comma-separated numbers"); }
    }

    /// <summary>Feeds library progress into a Spectre task (synchronously, unlike Progress&lt;T&gt;).</summary>
    private sealed class TaskProgress(ProgressTask task) : IProgress<EvalProgress>
    {
        public void Report(EvalProgress value)
        {
            task.MaxValue = Math.Max(1, value.Total);
            task.Value = value.Done;
        }
    }
}
