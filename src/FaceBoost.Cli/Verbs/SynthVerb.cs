using System.CommandLine;
using FaceBoost.Experiments;
using FaceBoost.Runtime;
using FaceBoost.Synthesis;
using Spectre.Console;
using FaceBoost.Nets.StyleGan;
using FaceBoost.Training;

namespace FaceBoost.Cli.Verbs;

/// <summary>`faceboost synth`: synthetic identities from a trained generator, as a labeled image folder.</summary>
public sealed class SynthVerb : IVerb
{
    public Command Build()
    {
        var cmd = new Command("synth", "Sample synthetic identities from a generator: an identity is a latent; its images keep the coarse " +
                                       "styles and resample the fine styles and the noise. Writes out/<identity>/<k>.png (resumable).");
        var generator = new Option<string>("--generator") { Description = "Generator checkpoint (.fbck file or run folder from train-gan)", Required = true }.Path();
        var outDir = new Option<string>("--out") { Description = "Output folder", Required = true }.Path();
        var ids = new Option<int>("--identities") { Description = "Number of identities", DefaultValueFactory = _ => 200 }.Range(1, 1_000_000);
        var perId = new Option<int>("--images-per-identity") { DefaultValueFactory = _ => 8 }.Range(1, 10_000);
        var psi = new Option<float>("--truncation") { Description = "Truncation ψ (1 = none)", DefaultValueFactory = _ => 0.8f }.Range(0f, 2f);
        var coarse = new Option<int>("--coarse-layers") { Description = "Style layers kept per identity (the rest vary per image)", DefaultValueFactory = _ => 4 }.Range(0, 64);
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 0 };
        var grid = new Option<string?>("--grid") { Description = "Also write a PNG grid: one row per identity (first 8)" }.Path();
        foreach (var o in new Option[] { generator, outDir, ids, perId, psi, coarse, seed, grid }) cmd.Options.Add(o);
        cmd.SetAction(pr =>
        {
            TorchRuntime.Initialize();
            var o = new SyntheticIdentityOptions(pr.GetValue(ids), pr.GetValue(perId), pr.GetValue(psi), pr.GetValue(coarse), pr.GetValue(seed));
            using var g = GanCheckpoint.LoadGenerator(pr.GetValue(generator)!);
            var dir = pr.GetValue(outDir)!;
            var total = o.Identities * o.ImagesPerIdentity;
            var written = 0;
            AnsiConsole.Progress().Start(ctx =>
            {
                var task = ctx.AddTask("synthetic identities", maxValue: total);
                written = SyntheticIdentities.Generate(g, dir, o, new SyncProgress<int>(n => task.Value = n));
            });
            if (pr.GetValue(grid) is { } png) SyntheticStage.SaveGrid(dir, png, Math.Min(8, o.Identities), Math.Min(8, o.ImagesPerIdentity));
            AnsiConsole.MarkupLineInterpolated($"{written} images of {o.Identities} identities in {dir} (generator {g.Resolution} px, {g.NumWs} style layers, {o.CoarseLayers} kept per identity)");
            return 0;
        });
        return cmd;
    }
}
