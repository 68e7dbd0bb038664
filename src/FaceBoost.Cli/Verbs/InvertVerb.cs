using System.CommandLine;
using FaceBoost.Nets;
using FaceBoost.Runtime;
using FaceBoost.Training;
using Spectre.Console;

namespace FaceBoost.Cli.Verbs;

/// <summary>`faceboost invert`: reconstructs a folder of aligned faces through encoder + generator.</summary>
public sealed class InvertVerb : IVerb
{
    public Command Build()
    {
        var cmd = new Command("invert", "Reconstruct aligned faces through a trained encoder and its generator; writes errors.csv (per-image L2, MS-SSIM) and a grid.");
        var encoder = new Option<string>("--encoder") { Description = "Encoder checkpoint (.fbck file or run folder from train-encoder)", Required = true }.Path();
        var generator = new Option<string>("--generator") { Description = "Generator checkpoint (default: the one recorded in the encoder checkpoint)" }.Path();
        var input = new Option<string>("--input") { Description = "Folder of aligned face images", Required = true }.Path();
        var output = new Option<string>("--out") { Description = "Output folder", DefaultValueFactory = _ => "runs/invert" }.Path();
        var iterations = new Option<int>("--iterations") { Description = "ReStyle passes (default: as trained)", DefaultValueFactory = _ => 0 }.Range(0, 100);
        var maxImages = new Option<int>("--max-images") { Description = "At most N images (0 = all)", DefaultValueFactory = _ => 0 }.Range(0, int.MaxValue);
        var threads = new Option<int>("--threads") { DefaultValueFactory = _ => 0 }.Range(0, 1024);
        foreach (var o in new Option[] { encoder, generator, input, output, iterations, maxImages, threads }) cmd.Options.Add(o);
        cmd.SetAction(pr =>
        {
            TorchRuntime.Initialize(pr.GetValue(threads));
            var request = new InversionRequest(pr.GetValue(encoder)!, pr.GetValue(generator), pr.GetValue(input)!, pr.GetValue(output)!,
                pr.GetValue(iterations), pr.GetValue(maxImages));
            var report = FolderInversion.Run(request);
            foreach (var (file, reason) in report.Skipped) AnsiConsole.MarkupLineInterpolated($"[yellow]skipped[/] {file}: {reason}");
            AnsiConsole.MarkupLineInterpolated($"{report.Count} faces: mean L2 {report.MeanL2:F4}, mean MS-SSIM {report.MeanMsSsim:F4}; {report.Csv}, {report.Grid}");
            return 0;
        });
        return cmd;
    }
}
