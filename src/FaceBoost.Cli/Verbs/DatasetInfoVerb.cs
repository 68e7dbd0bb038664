using FaceBoost.Imaging;
using System.CommandLine;
using FaceBoost.Data;
using Spectre.Console;

namespace FaceBoost.Cli.Verbs;

/// <summary>`faceboost dataset-info PATH`: what a dataset folder or list file holds, and (with --validate) which
/// images do not decode.</summary>
public sealed class DatasetInfoVerb : IVerb
{
    public Command Build()
    {
        var path = new Argument<string>("path") { Description = "root/<identity>/<image> folder, or a '<path> <label>' list file" };
        var listFile = new Option<bool>("--list-file") { Description = "Read PATH as a list file (default: when PATH is a file)" };
        var unlabeled = new Option<bool>("--unlabeled") { Description = "Read PATH as an unlabeled tree of images (any depth) or list of paths" };
        var exclude = new Option<string[]>("--exclude") { Description = "File-name globs to leave out, e.g. '*_Ambient.pgm'", AllowMultipleArgumentsPerToken = true };
        var groups = new Option<string?>("--groups") { Description = "'<identity> <group>' file" }.Path();
        var validate = new Option<bool>("--validate") { Description = "Decode every image and report failures and very dark images" };
        var workers = new Option<int>("--workers") { Description = "Decoding threads for --validate", DefaultValueFactory = _ => 2 }.Range(1, 256);
        var cmd = new Command("dataset-info", "Identities, images, groups and images per identity of a dataset; --validate decodes everything.");
        cmd.Arguments.Add(path);
        foreach (var o in new Option[] { listFile, unlabeled, exclude, groups, validate, workers }) cmd.Options.Add(o);
        cmd.SetAction(pr =>
        {
            var p = pr.GetValue(path)!;
            var ex = pr.GetValue(exclude) ?? [];
            Func<string, bool>? filter = ex.Length > 0 ? ImageFiles.Glob(ex) : null;
            FaceDataset ds;
            {
                ds = pr.GetValue(unlabeled) ? FaceDataset.Unlabeled(p, exclude: filter)
                    : pr.GetValue(listFile) || File.Exists(p) ? FaceDataset.FromListFile(p)
                    : FaceDataset.FromFolder(p, exclude: filter);
                if (pr.GetValue(groups) is string g) ds = ds.WithGroupsFile(g);
            }
            Print(ds);
            if (pr.GetValue(validate))
            {
                DatasetValidation v = null!;
                AnsiConsole.Progress().Start(ctx =>
                {
                    var task = ctx.AddTask("decoding", maxValue: ds.Count);
                    v = ds.Validate(pr.GetValue(workers), new Progress<int>(n => task.Value = n));
                    task.Value = ds.Count;
                });
                Console.WriteLine($"validated:       {v.Checked} decoded, {v.Usable} usable, {v.Problems.Count} undecodable");
                Console.WriteLine($"image sizes:     {v.MinSize.Width}x{v.MinSize.Height} .. {v.MaxSize.Width}x{v.MaxSize.Height}");
                foreach (var pb in v.Problems) Console.WriteLine($"  undecodable  {pb}");
                foreach (var w in v.Warnings) Console.WriteLine($"  warning      {w}");
                return v.Usable > 0 ? 0 : 1;
            }
            return 0;
        });
        return cmd;
    }

    private static void Print(FaceDataset ds)
    {
        Console.WriteLine($"dataset:         {ds.Name}  ({ds.Root})");
        Console.WriteLine($"images:          {ds.Count}");
        Console.WriteLine($"identities:      {(ds.IsLabeled ? ds.IdentityCount.ToString() : "unlabeled")}");
        if (ds.IdentityCount > 0)
        {
            var (min, mean, max) = ds.ImagesPerIdentity();
            Console.WriteLine($"per identity:    min {min}, mean {mean:0.0}, max {max}");
        }
        if (ds.GroupOfIdentity.Count > 0)
            foreach (var g in ds.GroupOfIdentity.GroupBy(kv => kv.Value).OrderBy(g => g.Key, StringComparer.Ordinal))
                Console.WriteLine($"group {g.Key,-10} {g.Count()} identities");
        Console.WriteLine($"ignored files:   {ds.IgnoredFiles.Count}");
        foreach (var r in ds.IgnoredFiles.GroupBy(f => f.Reason).OrderByDescending(g => g.Count()))
            Console.WriteLine($"  {r.Count(),5} × {r.Key}" + (r.Count() <= 3 ? ": " + string.Join(", ", r.Select(f => Path.GetRelativePath(ds.Root, f.Path))) : $" (e.g. {Path.GetRelativePath(ds.Root, r.First().Path)})"));
    }
}
