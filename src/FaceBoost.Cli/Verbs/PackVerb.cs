using System.CommandLine;
using FaceBoost.Interop;
using Spectre.Console;

namespace FaceBoost.Cli.Verbs;

/// <summary>`faceboost pack`: an image tree (one folder per identity) → insightface train.rec/train.idx/property.</summary>
public sealed class PackVerb : IVerb
{
    public Command Build()
    {
        var input = new Option<string?>("--input") { Description = "Image tree: one sub-folder per identity" }.Path();
        var extract = new Option<string?>("--extract") { Description = "Instead of packing, unpack this train.rec folder into an image tree at --output" }.Path();
        var output = new Option<string>("--output") { Description = "Output folder for train.rec, train.idx, property", Required = true }.Path();
        var size = new Option<int?>("--size") { Description = "Resize every image to SIZE×SIZE (insightface uses 112); default: keep the first image's size" }.Range(8, 4096);
        var png = new Option<bool>("--png") { Description = "Store lossless PNG instead of JPEG (OpenCV/insightface decode both)" };
        var quality = new Option<int>("--quality") { Description = "JPEG quality for re-encoded images", DefaultValueFactory = _ => 95 }.Range(1, 100);
        var cmd = new Command("pack", "Pack an image tree into an insightface/MXNet RecordIO training set (train.rec + train.idx + property).");
        foreach (var o in new Option[] { input, extract, output, size, png, quality }) cmd.Options.Add(o);
        cmd.SetAction(pr =>
        {
            if (pr.GetValue(extract) is string recDir)
            {
                using var ds = InsightfaceRecordDataset.Open(recDir);
                int n = ds.ExtractTo(pr.GetValue(output)!);
                Console.WriteLine($"{n} images of {ds.NumClasses} identities → {pr.GetValue(output)}");
                return 0;
            }
            var items = InsightfaceRecordPacker.ScanImageTree(pr.GetValue(input) ?? throw new ArgumentException("--input (an image tree) or --extract is required"));
            var s = pr.GetValue(size);
            var opts = new RecordPackOptions(s, s, pr.GetValue(png), pr.GetValue(quality));
            PackResult result = null!;
            AnsiConsole.Progress().Start(ctx =>
            {
                var task = ctx.AddTask("packing", maxValue: items.Count);
                result = InsightfaceRecordPacker.Pack(items, pr.GetValue(output)!, opts, new Progress<int>(n => task.Value = n));
                task.Value = items.Count;
            });
            foreach (var r in result.SkippedReasons) Console.Error.WriteLine($"skipped: {r}");
            Console.WriteLine($"{result.Images} images, {result.Classes} identities, {result.Skipped} skipped → {result.RecPath}");
            return 0;
        });
        return cmd;
    }
}
