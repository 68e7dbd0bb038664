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
        var ckpt = new Option<string>("--checkpoint") { Required = true }.Path();
        var seeds = new Option<string>("--seeds") { Description = "e.g. 0-63 or 1,5,9", DefaultValueFactory = _ => "0-63" }.Rule(SeedsProblem);
        var psi = new Option<float>("--truncation") { Description = "ψ (1 = none)", DefaultValueFactory = _ => 1f }.Range(0f, 2f);
        var grid = new Option<string?>("--grid") { Description = "Write one PNG grid here" }.Path();
        var columns = new Option<int>("--columns") { DefaultValueFactory = _ => 8 }.Range(1, 256);
        var outDir = new Option<string?>("--out-dir") { Description = "Write seed<NNNN>.png per image here" }.Path();
        var noise = new Option<NoiseMode>("--noise")
        {
            Description = "Per-layer noise inputs as stylegan2-ada's --noise-mode: Const (the stored buffers, as training's sample grids and inversion), Random (fresh, as training), None",
            DefaultValueFactory = _ => NoiseMode.Const,
        };
        foreach (var o in new Option[] { ckpt, seeds, psi, grid, columns, outDir, noise }) cmd.Options.Add(o);
        cmd.SetAction(pr =>
        {
            var gridPath = pr.GetValue(grid); var dir = pr.GetValue(outDir);
            if (gridPath is null && dir is null) throw new ArgumentException("give --grid and/or --out-dir");
            TorchRuntime.Initialize();
            using var g = GanCheckpoint.LoadGenerator(pr.GetValue(ckpt)!);
            var list = LatentSeeds.Parse(pr.GetValue(seeds)!);
            Console.WriteLine("noise strength per layer: " + string.Join(", ", g.NoiseStrengths().Select(n => $"{n.Layer} {n.Strength:0.###}")));
            using var _ = no_grad();
            using var scope = NewDisposeScope();
            var imgs = new List<Tensor>();
            manual_seed(list[0]); // Random noise: reproducible for the same seeds
            for (var i = 0; i < list.Count; i += 32)
            {
                var chunk = list.Skip(i).Take(32).ToList();
                imgs.Add(g.Forward(LatentSeeds.Z(chunk, g.ZDim), pr.GetValue(psi), pr.GetValue(noise)));
            }
            var all = cat(imgs, 0);
            if (gridPath is not null) { FaceBoost.Imaging.ImageGrid.SavePng(all, gridPath, pr.GetValue(columns), padding: 1); Console.WriteLine($"wrote {gridPath}"); }
            if (dir is not null)
            {
                Directory.CreateDirectory(dir);
                var rgb = FaceBoost.Imaging.TensorImages.FromSignedTensor(all);
                for (var i = 0; i < rgb.Count; i++) FaceBoost.Imaging.ImageWriter.Save(rgb[i], Path.Combine(dir, $"seed{list[i]:0000}.png"));
                Console.WriteLine($"wrote {rgb.Count} images to {dir}");
            }
            return 0;
        });
        return cmd;
    }

    /// <summary>Most images one `sample` call makes.</summary>
    private const long MaxSeeds = 100_000;

    private static string? SeedsProblem(string spec)
    {
        long count = 0;
        foreach (var part in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var dash = part.IndexOf('-', 1);
            if (dash > 0 && int.TryParse(part[..dash], out var a) && int.TryParse(part[(dash + 1)..], out var b))
            {
                if (b < a) return $"range '{part}' runs backwards";
                count += (long)b - a + 1;
            }
            else if (int.TryParse(part, out _)) count++;
            else return $"cannot read '{part}' (use e.g. 0-63 or 1,5,9)";
        }
        if (count == 0) return "no seeds given";
        return count > MaxSeeds ? $"{count} seeds; at most {MaxSeeds} per call" : null;
    }
}
