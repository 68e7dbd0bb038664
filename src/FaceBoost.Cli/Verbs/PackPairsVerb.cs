using FaceBoost.Data;
using System.CommandLine;
using FaceBoost.Interop;

namespace FaceBoost.Cli.Verbs;

/// <summary>`faceboost pack-pairs`: a pairs list → an insightface verification `.bin`; with `--extract`,
/// the reverse (a `.bin` → images + pairs.txt).</summary>
public sealed class PackPairsVerb : IVerb
{
    public Command Build()
    {
        var pairs = new Option<string?>("--pairs") { Description = "Pairs list: \"<pathA> <pathB> <1|0>\" per line" }.Path();
        var root = new Option<string?>("--root") { Description = "Folder the pair paths are relative to (default: the list's folder)" }.Path();
        var output = new Option<string?>("--output") { Description = "The .bin to write (pack) or the folder to extract into (--extract)" }.Path();
        var size = new Option<int?>("--size") { Description = "Resize images to SIZE×SIZE (insightface .bin files hold 112×112 aligned faces)" }.Range(8, 4096);
        var extract = new Option<string?>("--extract") { Description = "Unpack this .bin into --output (images/ + pairs.txt) instead of packing" }.Path();
        var cmd = new Command("pack-pairs", "Write an insightface verification .bin (lfw.bin style) from a pairs list, or --extract one.");
        foreach (var o in new Option[] { pairs, root, output, size, extract }) cmd.Options.Add(o);
        cmd.SetAction(pr =>
        {
            var outPath = pr.GetValue(output) ?? throw new ArgumentException("--output is required");
            if (pr.GetValue(extract) is string bin)
            {
                var set = BinVerificationSet.Load(bin);
                var list = set.ExtractTo(outPath);
                Console.WriteLine($"{set.PairCount} pairs ({set.IsSame.Count(s => s)} same) → {Path.Combine(outPath, "pairs.txt")}");
                return 0;
            }
            var src = pr.GetValue(pairs) ?? throw new ArgumentException("--pairs is required (or --extract)");
            var items = PairSets.ReadList(src, pr.GetValue(root)).Select(p => (p.PathA, p.PathB, p.Same)).ToList();
            var packed = BinVerificationSet.FromPairs(items, pr.GetValue(size));
            packed.Save(outPath);
            Console.WriteLine($"{packed.PairCount} pairs ({packed.IsSame.Count(s => s)} same) → {outPath}");
            return 0;
        });
        return cmd;
    }
}
