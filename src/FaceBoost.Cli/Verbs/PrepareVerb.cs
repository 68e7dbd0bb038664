using System.CommandLine;
using FaceBoost.Faces;
using Spectre.Console;

namespace FaceBoost.Cli.Verbs;

/// <summary>`faceboost prepare`: detect, align and crop faces of a photo tree or list into an aligned dataset.</summary>
public sealed class PrepareVerb : IVerb
{
    public Command Build()
    {
        var input = new Option<string?>("--input") { Description = "Image tree (root/<identity>/<img> or flat); with --list-file, the folder list paths are relative to (default: the list file's folder)" }.Path();
        var output = new Option<string>("--output") { Description = "Output root; the input layout is kept, crops are PNG", Required = true }.Path();
        var list = new Option<string?>("--list-file") { Description = "Text file of '<path> [identity]' lines (e.g. CelebA identity.txt); with an identity crops go to <output>/<identity>/" }.Path();
        var detector = new Option<string>("--detector") { Description = "YuNet ONNX model (face_detection_yunet_2023mar.onnx from the OpenCV model zoo, MIT)", Required = true }.Path();
        var size = new Option<int>("--size") { Description = "Crop side in pixels (ArcFace template scaled: 112, 128, 64, 32 ...)", DefaultValueFactory = _ => 112 }.Range(16, 1024);
        var margin = new Option<float>("--margin") { Description = "Zoom-out as a fraction of the crop (0 = ArcFace crop)", DefaultValueFactory = _ => 0f }.Range(0f, 2f);
        var allFaces = new Option<bool>("--all-faces") { Description = "Write every plausible face as <name>_0.png, <name>_1.png ... instead of only the largest" };
        var score = new Option<float>("--score-threshold") { Description = "Minimum detector score", DefaultValueFactory = _ => 0.6f }.Range(0f, 1f);
        var workers = new Option<int>("--workers") { Description = "Parallel workers (one detector session each)", DefaultValueFactory = _ => Math.Max(1, Environment.ProcessorCount) }.Range(1, 256);
        var sheet = new Option<string?>("--contact-sheet") { Description = "Also write a PNG grid of up to 100 crops here" }.Path();

        var cmd = new Command("prepare", "Detect faces (YuNet), align them to the ArcFace 5-point template and write an aligned dataset (resumable).");
        foreach (var o in new Option[] { input, output, list, detector, size, margin, allFaces, score, workers, sheet }) cmd.Options.Add(o);
        cmd.SetAction(pr =>
        {
            string? inDir = pr.GetValue(input), listFile = pr.GetValue(list);
            string outDir = pr.GetValue(output)!;
            if (inDir is null && listFile is null) throw new ArgumentException("give --input and/or --list-file");
            var items = listFile is not null ? PrepareInputs.FromListFile(listFile, inDir) : PrepareInputs.FromTree(inDir!, exclude: outDir);

            float sc = pr.GetValue(score);
            var options = new PrepareOptions(
                pr.GetValue(detector)!,
                new AlignmentOptions(OutputSize: pr.GetValue(size), Margin: pr.GetValue(margin), MinScore: sc),
                new YuNetOptions(ScoreThreshold: sc),
                pr.GetValue(allFaces) ? FaceSelection.All : FaceSelection.Largest,
                pr.GetValue(workers));
            PrepareSummary summary;
            {
                var preparer = new FacePreparer(options);
                summary = null!;
                AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                        new RemainingTimeColumn(), new SpinnerColumn())
                    .Start(ctx =>
                    {
                        var task = ctx.AddTask($"aligning {items.Count} photos", maxValue: Math.Max(1, items.Count));
                        summary = preparer.Run(items, outDir, new SyncProgress(task));
                        task.Value = task.MaxValue;
                    });
            }
            Console.WriteLine(summary.ToText(listFiles: false));
            Console.WriteLine($"skipped files are listed in {Path.Combine(outDir, PrepareSummary.TextName)}");
            if (pr.GetValue(sheet) is { } sheetPath && summary.FacesWritten + summary.ImagesAlreadyDone > 0)
            {
                int n = FaceContactSheet.SaveFromFolder(outDir, sheetPath);
                Console.WriteLine($"contact sheet of {n} crops: {sheetPath}");
            }
            return 0;
        });
        return cmd;
    }

    // Spectre's task is thread-safe; report straight from the workers rather than via a sync context.
    private sealed class SyncProgress(ProgressTask task) : IProgress<PrepareProgress>
    {
        public void Report(PrepareProgress p)
        {
            task.Value = Math.Max(task.Value, p.Done);
            task.Description = $"aligned {p.FacesWritten} faces";
        }
    }
}
