using FaceBoost.Training;
using FaceBoost.Imaging;
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
        var model = new Option<string?>("--model") { Description = "Model to evaluate: *.onnx or a FaceBoost checkpoint (not with --from-scores)" };
        var fromScores = new Option<string?>("--from-scores") { Description = "Recompute every figure from a scores.tsv written by eval (no model, no images)" };
        var protocol = new Option<string>("--protocol")
        {
            Description = "insightface (what papers report: 0.01 distance grid, calculate_val TAR@FAR mean ± std) | exact (exact cuts, pooled TAR@FAR)",
            DefaultValueFactory = _ => "insightface",
        };
        var scoresOnly = new Option<bool>("--scores-only") { Description = "Write pairs.tsv and scores.tsv but not embeddings.npy/.tsv (big sets)" };
        var noFlip = new Option<bool>("--no-flip") { Description = "Embed the image alone (default: flip-summed, as the paper and insightface)" };
        var pairs = new Option<string[]>("--pairs")
        {
            Description = "Pair list (LFW/RFW/generic); repeat as group=file for per-group files (RFW: --pairs African=African_pairs.txt ...)",
            AllowMultipleArgumentsPerToken = false,
        };
        var pairsFormat = new Option<PairFileFormat>("--pairs-format") { Description = "auto | lfw | rfw | generic ('pathA pathB 0|1 [group]')", DefaultValueFactory = _ => PairFileFormat.Auto };
        var images = new Option<string?>("--images") { Description = "Image root for pair lists ('{group}' is replaced by the group name)" };
        var imagePattern = new Option<string>("--image-pattern")
        {
            Description = "Image path of name + number lists (LFW/RFW) under --images: {name}, {num} or {num:0000} (zero-padded), {ext}",
            DefaultValueFactory = _ => ImagePathTemplate.LfwPattern,
        };
        var imageExt = new Option<string>("--image-ext") { Description = "{ext} of --image-pattern: jpg | png | pgm | ...", DefaultValueFactory = _ => "jpg" };
        var dataset = new Option<string?>("--dataset") { Description = "Labeled set to generate pairs from: identity folders or a '<file> <id>' list" };
        var numPairs = new Option<int>("--num-pairs") { Description = "Pairs to generate with --dataset (half genuine)", DefaultValueFactory = _ => 2000 };
        var seed = new Option<int>("--seed") { Description = "Seed for generated pairs and stratified folds", DefaultValueFactory = _ => 0 };
        var exclude = new Option<string[]>("--exclude") { Description = "Glob(s) of files to leave out of --dataset, e.g. '*_Ambient.pgm' for Extended Yale B" };
        var groups = new Option<string?>("--groups") { Description = "File of '<identity|file> <group>' lines for per-group results" };
        var flip = new Option<bool>("--flip") { Description = "Flip-sum embeddings (embedding + embedding of the mirrored image), as the paper; the default" };
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
        var foldScheme = new Option<string>("--fold-scheme")
        {
            Description = "auto (consecutive blocks for LFW/RFW lists, as their protocol; stratified otherwise) | consecutive | stratified",
            DefaultValueFactory = _ => "auto",
        };
        var linearFar = new Option<bool>("--linear-far") { Description = "Plot the ROC with a linear FAR axis (default log)" };
        var outDir = new Option<string?>("--out") { Description = "Folder for results.json, table.md, roc.png, pairs.tsv, scores.tsv, embeddings.npy/.tsv" };

        var cmd = new Command("eval", "Face verification: 10-fold accuracy, TAR@FAR, ROC/AUC/EER, per-group Avg/Std/SER.");
        foreach (var o in new Option[] { model, fromScores, protocol, scoresOnly, noFlip, pairs, pairsFormat, images, imagePattern, imageExt, dataset, numPairs, seed, exclude, groups, flip, preprocess, inputSize, mean, std, bgr, nhwc, batch, threads, folds, foldScheme, linearFar, outDir })
            cmd.Options.Add(o);

        cmd.SetAction(pr =>
        {
            try
            {
                var proto = pr.GetValue(protocol)!.ToLowerInvariant() switch
                {
                    "insightface" => VerificationProtocol.Insightface,
                    "exact" => VerificationProtocol.Exact,
                    var other => throw new ArgumentException($"--protocol '{other}' is not insightface or exact"),
                };
                if (pr.GetValue(fromScores) is { } scoresFile)
                {
                    if (pr.GetValue(model) is not null) throw new ArgumentException("give --model or --from-scores, not both");
                    var sf = EvalArtifacts.ReadScores(scoresFile);
                    var fs = pr.GetValue(foldScheme)!.ToLowerInvariant();
                    // The fold column is the split the scores were evaluated with; --fold-scheme reassigns.
                    bool useColumn = fs == "auto" && sf.Pairs.All(p => p.Fold >= 0);
                    var metrics = new MetricsOptions
                    {
                        Protocol = proto, Folds = pr.GetValue(folds), Seed = pr.GetValue(seed), UseListFolds = useColumn,
                        FoldScheme = fs == "stratified" ? FoldScheme.Stratified : FoldScheme.Consecutive,
                    };
                    var fromReport = VerificationEvaluator.FromScores(sf.Pairs, sf.Scores, metrics, scoresFile, useColumn ? sf.GroupFolds : null);
                    Finish(fromReport, pr.GetValue(outDir), pr.GetValue(linearFar), scoresOnly: true);
                    return 0;
                }
                if (pr.GetValue(model) is not { } modelArg) throw new ArgumentException("give --model (or --from-scores scores.tsv)");
                if (!File.Exists(modelArg) && !Directory.Exists(modelArg)) throw new FileNotFoundException($"model '{modelArg}' does not exist", modelArg);
                var pairFiles = pr.GetValue(pairs) ?? [];
                var ds = pr.GetValue(dataset);
                if ((pairFiles.Length == 0) == (ds is null))
                    throw new ArgumentException("give either --pairs <file> (repeatable) or --dataset <folder|list>");
                IReadOnlyList<VerificationPair> list;
                FoldScheme scheme;
                if (ds is not null)
                {
                    var globs = pr.GetValue(exclude) ?? [];
                    var data = Directory.Exists(ds)
                        ? FaceDataset.FromFolder(ds, exclude: globs.Length > 0 ? ImageFiles.Glob(globs) : null)
                        : FaceDataset.FromListFile(ds, pr.GetValue(images));
                    list = PairSets.Generate(data, pr.GetValue(numPairs), pr.GetValue(seed));
                    scheme = FoldScheme.Stratified;
                }
                else
                {
                    var read = new List<VerificationPair>();
                    var template = new ImagePathTemplate(pr.GetValue(imagePattern)!, pr.GetValue(imageExt)!).Validate();
                    bool allLfw = true;
                    foreach (var spec in pairFiles)
                    {
                        int eq = spec.IndexOf('=');
                        // "group=file", unless the '=' is part of an existing file name.
                        var (group, file) = eq > 0 && !File.Exists(spec) ? (spec[..eq], spec[(eq + 1)..]) : ((string?)null, spec);
                        var filePairs = PairSets.Read(file, new PairListOptions
                        {
                            ImageRoot = pr.GetValue(images), Group = group, Format = pr.GetValue(pairsFormat), Images = template,
                        });
                        PairSets.RequireImages(filePairs, file);
                        read.AddRange(filePairs);
                        allLfw &= pr.GetValue(pairsFormat) is PairFileFormat.Lfw or PairFileFormat.Rfw
                                  || pr.GetValue(pairsFormat) == PairFileFormat.Auto && PairSets.IsNamedList(file);
                    }
                    // Published lists (LFW/RFW) define their folds by order; a generic list may be sorted by label.
                    scheme = allLfw ? FoldScheme.Consecutive : FoldScheme.Stratified;
                    list = read;
                }
                scheme = pr.GetValue(foldScheme)!.ToLowerInvariant() switch
                {
                    "auto" => scheme,
                    "consecutive" => FoldScheme.Consecutive,
                    "stratified" => FoldScheme.Stratified,
                    var other => throw new ArgumentException($"--fold-scheme '{other}' is not auto, consecutive or stratified"),
                };
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
                            Extraction = new ExtractionOptions { FlipSum = !pr.GetValue(noFlip), Preprocess = ParsePreprocess(pr.GetValue(preprocess)!), BatchSize = Math.Max(pr.GetValue(batch), 1) },
                            Metrics = new MetricsOptions { Protocol = proto, Folds = pr.GetValue(folds), FoldScheme = scheme, Seed = pr.GetValue(seed) },
                            Progress = new TaskProgress(task),
                            KeepEmbeddings = !pr.GetValue(scoresOnly) && pr.GetValue(outDir) is not null,
                        });
                        task.Value = task.MaxValue;
                    });

                Finish(report, pr.GetValue(outDir), pr.GetValue(linearFar), pr.GetValue(scoresOnly));
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

    private static void Finish(VerificationReport report, string? dir, bool linearFar, bool scoresOnly)
    {
        var table = ReportTableWriter.Format(report);
        Console.WriteLine(table);
        foreach (var w in report.Warnings) Console.Error.WriteLine($"faceboost eval: warning: {w}");
        if (dir is null) return;
        Directory.CreateDirectory(dir);
        ReportJsonWriter.Save(report, Path.Combine(dir, "results.json"));
        FaceBoost.Runtime.AtomicFile.WriteAllText(Path.Combine(dir, "table.md"), table);
        RocPlotWriter.Save(report, Path.Combine(dir, "roc.png"), logFar: !linearFar);
        var files = EvalArtifacts.Write(report, dir, scoresOnly);
        Console.WriteLine($"wrote {Path.Combine(dir, "results.json")}, table.md, roc.png, {string.Join(", ", files)}");
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
