using System.CommandLine;
using FaceBoost.Imaging;
using FaceBoost.Synthesis.Procedural;
using Spectre.Console;

namespace FaceBoost.Cli.Verbs;

/// <summary>`faceboost render-faces`: writes a procedural labeled face dataset (or, with --unlabeled, a flat unlabeled pool).</summary>
public sealed class RenderFacesVerb : IVerb
{
    public Command Build()
    {
        var cmd = new Command("render-faces", "Render procedural cartoon faces (aligned like ArcFace crops) as a labeled folder <group>_<id>/<k>.png, or an unlabeled pool.");
        var outDir = new Option<string>("--out") { Description = "Output folder", Required = true }.Path();
        var identities = new Option<int>("--identities") { Description = "Number of identities (labeled mode)", DefaultValueFactory = _ => 100 }.Range(1, 10_000_000);
        var perId = new Option<int?>("--images-per-identity") { Description = "Images per identity (default 10 labeled, 2 unlabeled)" }.Range(1, 100_000);
        var size = new Option<int>("--size") { Description = "Image side in pixels (32-128 typical)", DefaultValueFactory = _ => 64 }.Range(16, 1024);
        var seed = new Option<ulong>("--seed") { Description = "Dataset seed: same seed, same bytes", DefaultValueFactory = _ => 1UL };
        var groups = new Option<string>("--groups") { Description = "Comma-separated groups among A,B,C,D (labeled: round-robin; unlabeled: equal mix)", DefaultValueFactory = _ => "A,B,C,D" }.Rule(GroupsProblem);
        var offset = new Option<long?>("--identity-offset") { Description = "First global identity index (default 0 labeled, 1000000 unlabeled); disjoint ranges give disjoint people" }.Range(0L, long.MaxValue / 2);
        var unlabeled = new Option<int?>("--unlabeled") { Description = "Write an unlabeled flat pool of this many images instead of a labeled set" }.Range(1, 100_000_000);
        var nuisance = new Option<float>("--nuisance") { Description = "Nuisance strength: 0 identical frontal images, 1 default, 1.5 hard", DefaultValueFactory = _ => 1f }.Range(0f, 5f);
        var threads = new Option<int>("--threads") { Description = "Worker threads (0 = all cores)", DefaultValueFactory = _ => 0 }.Range(0, 1024);
        var sheet = new Option<string?>("--contact-sheet") { Description = "Also write a PNG grid of the first 8 identities x up to 8 images (labeled mode)" }.Path();
        foreach (var o in new Option[] { outDir, identities, perId, size, seed, groups, offset, unlabeled, nuisance, threads, sheet }) cmd.Options.Add(o);

        cmd.SetAction(pr =>
        {
            var groupList = pr.GetValue(groups)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var nuis = new NuisanceOptions { Strength = pr.GetValue(nuisance) };
            string dir = pr.GetValue(outDir)!;
            int? pool = pr.GetValue(unlabeled);
            int k = pr.GetValue(perId) ?? (pool is null ? 10 : 2);
            int total = pool ?? pr.GetValue(identities) * k;
            ProceduralDatasetSummary? summary = null;
            {
                AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                    .Start(ctx =>
                    {
                        var task = ctx.AddTask(pool is null ? "rendering labeled faces" : "rendering unlabeled pool", maxValue: total);
                        var progress = new Progress<int>(n => task.Value = Math.Max(task.Value, n));
                        summary = pool is int count
                            ? ProceduralDataset.GenerateUnlabeled(dir, new UnlabeledPoolOptions
                            {
                                Count = count, ImagesPerIdentity = k,
                                Size = pr.GetValue(size), Seed = pr.GetValue(seed),
                                GroupMix = groupList.ToDictionary(g => g, _ => 1.0),
                                IdentityOffset = pr.GetValue(offset) ?? ProceduralDataset.PoolOffset(0),
                                Nuisance = nuis, Threads = pr.GetValue(threads),
                            }, progress)
                            : ProceduralDataset.Generate(dir, new ProceduralDatasetOptions
                            {
                                Identities = pr.GetValue(identities), ImagesPerIdentity = k, Size = pr.GetValue(size),
                                Seed = pr.GetValue(seed), Groups = groupList, IdentityOffset = pr.GetValue(offset) ?? 0,
                                Nuisance = nuis, Threads = pr.GetValue(threads),
                            }, progress);
                        task.Value = total;
                    });
            }
            var s = summary!;
            Console.WriteLine($"wrote {s.Images} images of {s.Identities} identities (indices {s.FirstIdentity}..{s.EndIdentity - 1}) to {s.Root} in {s.Elapsed.TotalSeconds:F1} s ({s.ImagesPerSecond:F0} images/s)");
            if (pr.GetValue(sheet) is { } sheetPath && pool is null)
            {
                var faces = ProceduralDataset.Render(new ProceduralDatasetOptions
                {
                    Identities = Math.Min(8, pr.GetValue(identities)), ImagesPerIdentity = Math.Min(8, k), Size = pr.GetValue(size),
                    Seed = pr.GetValue(seed), Groups = groupList, IdentityOffset = pr.GetValue(offset) ?? 0, Nuisance = nuis,
                });
                ImageWriter.Save(ProceduralDataset.ContactSheet(faces.SelectMany(f => f.Images).ToList(), faces[0].Images.Length), sheetPath);
                Console.WriteLine($"contact sheet: {sheetPath} (one identity per row)");
            }
            return 0;
        });
        return cmd;
    }

    private static readonly string[] KnownGroups = ["A", "B", "C", "D"];

    private static string? GroupsProblem(string spec)
    {
        var groups = spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (groups.Length == 0) return "needs at least one group";
        var unknown = groups.FirstOrDefault(g => !KnownGroups.Contains(g, StringComparer.Ordinal));
        if (unknown is not null) return $"unknown group '{unknown}' (groups are {string.Join(", ", KnownGroups)})";
        return groups.Distinct(StringComparer.Ordinal).Count() != groups.Length ? "a group is listed twice" : null;
    }
}
