using System.CommandLine;
using FaceBoost.Runtime;
using FaceBoost.Synthesis;
using TorchSharp;
using static TorchSharp.torch;
using FaceBoost.Nets.StyleGan;
using FaceBoost.Training;

namespace FaceBoost.Cli.Verbs;

/// <summary>`faceboost sample`: images from a train-gan checkpoint (its EMA generator) for given seeds.</summary>
public sealed class SampleVerb : IVerb
{
    public Command Build()
    {
        var cmd = new Command("sample", "Generate faces from a train-gan checkpoint: a grid and/or an image folder.");
        var ckpt = new Option<string>("--checkpoint") { Required = true };
        var seeds = new Option<string>("--seeds") { Description = "e.g. 0-63 or 1,5,9", DefaultValueFactory = _ => "0-63" };
        var psi = new Option<float>("--truncation") { Description = "ψ (1 = none)", DefaultValueFactory = _ => 1f };
        var grid = new Option<string?>("--grid") { Description = "Write one PNG grid here" };
        var columns = new Option<int>("--columns") { DefaultValueFactory = _ => 8 };
        var outDir = new Option<string?>("--out-dir") { Description = "Write seed<NNNN>.png per image here" };
        foreach (var o in new Option[] { ckpt, seeds, psi, grid, columns, outDir }) cmd.Options.Add(o);
        cmd.SetAction(pr =>
        {
            var gridPath = pr.GetValue(grid); var dir = pr.GetValue(outDir);
            if (gridPath is null && dir is null) { Console.Error.WriteLine("give --grid and/or --out-dir"); return 2; }
            TorchRuntime.Initialize();
            using var g = GanCheckpoint.LoadGenerator(pr.GetValue(ckpt)!);
            var list = LatentSeeds.Parse(pr.GetValue(seeds)!);
            using var _ = no_grad();
            using var scope = NewDisposeScope();
            var imgs = new List<Tensor>();
            for (var i = 0; i < list.Count; i += 32)
            {
                var chunk = list.Skip(i).Take(32).ToList();
                imgs.Add(g.Forward(LatentSeeds.Z(chunk, g.ZDim), pr.GetValue(psi)));
            }
            var all = cat(imgs, 0);
            if (gridPath is not null) { ImageGridWriter.Save(all, gridPath, pr.GetValue(columns)); Console.WriteLine($"wrote {gridPath}"); }
            if (dir is not null)
            {
                Directory.CreateDirectory(dir);
                var rgb = FeatureExtractors.ToRgbImages(all);
                for (var i = 0; i < rgb.Count; i++) FaceBoost.Imaging.ImageWriter.Save(rgb[i], Path.Combine(dir, $"seed{list[i]:0000}.png"));
                Console.WriteLine($"wrote {rgb.Count} images to {dir}");
            }
            return 0;
        });
        return cmd;
    }
}
