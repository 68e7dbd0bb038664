using System.Globalization;
using System.Text;
using FaceBoost.Data;
using FaceBoost.Runtime;

namespace FaceBoost.Evaluation;

/// <summary>What an evaluation measured, per pair, so any figure can be checked with another tool:
/// <list type="bullet">
/// <item><c>pairs.tsv</c>: pair, path_a, path_b, label (1 = same), fold, group — the list as evaluated;</item>
/// <item><c>scores.tsv</c>: pair, score (cosine; empty = excluded), label, fold, group, group_fold (fold inside the
/// group's own figures, −1 if none) — <see cref="ReadScores"/> and <c>faceboost eval --from-scores</c> recompute
/// every figure from it;</item>
/// <item><c>embeddings.npy</c> (float32 N×D, the normalised, flip-summed when so configured, embedding of each image)
/// + <c>embeddings.tsv</c> (row → image path).</item>
/// </list></summary>
public static class EvalArtifacts
{
    public const string ScoresHeader = "pair\tscore\tlabel\tfold\tgroup\tgroup_fold";
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Writes the files into <paramref name="dir"/>; embeddings only when the report has them and not
    /// <paramref name="scoresOnly"/>. Returns the file names written.</summary>
    public static IReadOnlyList<string> Write(VerificationReport r, string dir, bool scoresOnly = false)
    {
        Directory.CreateDirectory(dir);
        var written = new List<string> { "pairs.tsv", "scores.tsv" };
        var pairs = new StringBuilder("pair\tpath_a\tpath_b\tlabel\tfold\tgroup\n");
        var scores = new StringBuilder(ScoresHeader + "\n");
        for (int i = 0; i < r.Pairs.Count; i++)
        {
            var p = r.Pairs[i];
            int fold = i < r.PairFolds.Count ? r.PairFolds[i] : -1;
            int gfold = i < r.PairGroupFolds.Count ? r.PairGroupFolds[i] : -1;
            pairs.Append(Inv, $"{i}\t{Clean(p.PathA)}\t{Clean(p.PathB)}\t{(p.Same ? 1 : 0)}\t{fold}\t{Clean(p.Group ?? "")}\n");
            var s = r.Scores[i];
            scores.Append(Inv, $"{i}\t{(double.IsNaN(s) ? "" : s.ToString("R", Inv))}\t{(p.Same ? 1 : 0)}\t{fold}\t{Clean(p.Group ?? "")}\t{gfold}\n");
        }
        AtomicFile.WriteAllText(Path.Combine(dir, "pairs.tsv"), pairs.ToString());
        AtomicFile.WriteAllText(Path.Combine(dir, "scores.tsv"), scores.ToString());
        if (!scoresOnly && r.Embeddings.Count > 0)
        {
            var paths = r.Embeddings.Keys.ToList();
            int dim = r.Embeddings[paths[0]].Length;
            AtomicFile.Write(Path.Combine(dir, "embeddings.npy"), s => NpyFile.Write(s, [.. paths.Select(p => r.Embeddings[p])], dim));
            var tsv = new StringBuilder("row\tpath\n");
            for (int i = 0; i < paths.Count; i++) tsv.Append(Inv, $"{i}\t{Clean(paths[i])}\n");
            AtomicFile.WriteAllText(Path.Combine(dir, "embeddings.tsv"), tsv.ToString());
            written.AddRange(["embeddings.npy", "embeddings.tsv"]);
        }
        return written;
    }

    /// <summary>Scores read back: pairs (paths are placeholders "pair#i"; fold = the fold column), scores (NaN =
    /// excluded) and per-pair group folds.</summary>
    public sealed record ScoreFile(IReadOnlyList<VerificationPair> Pairs, double[] Scores, int[] GroupFolds);

    /// <summary>Reads a scores.tsv (columns by header name: score and label required; pair, fold, group, group_fold optional).</summary>
    public static ScoreFile ReadScores(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"scores file '{path}' does not exist", path);
        using var reader = new StreamReader(path);
        var header = (reader.ReadLine() ?? throw new InvalidDataException($"{path}: empty file")).Split('\t');
        int Col(string name) => Array.IndexOf(header, name);
        int cScore = Col("score"), cLabel = Col("label"), cFold = Col("fold"), cGroup = Col("group"), cGFold = Col("group_fold");
        if (cScore < 0 || cLabel < 0)
            throw new InvalidDataException($"{path}: the header needs 'score' and 'label' columns (as scores.tsv written by eval: {ScoresHeader})");
        var pairs = new List<VerificationPair>(); var scores = new List<double>(); var gfolds = new List<int>();
        int lineNo = 1;
        for (string? line; (line = reader.ReadLine()) != null;)
        {
            lineNo++;
            if (line.Length == 0) continue;
            var f = line.Split('\t');
            string Field(int c) => c >= 0 && c < f.Length ? f[c] : "";
            string where = $"{path}:{lineNo}";
            double s = Field(cScore) is "" or "nan" or "NaN" ? double.NaN
                : double.TryParse(Field(cScore), NumberStyles.Float, Inv, out var v) ? v : throw new InvalidDataException($"{where}: score '{Field(cScore)}' is not a number");
            bool same = Field(cLabel) switch { "1" => true, "0" => false, var x => throw new InvalidDataException($"{where}: label '{x}' is not 0 or 1") };
            int Int(int c) => Field(c) is "" ? -1 : int.TryParse(Field(c), NumberStyles.AllowLeadingSign, Inv, out var k) ? k
                : throw new InvalidDataException($"{where}: '{Field(c)}' is not a fold number");
            var group = Field(cGroup);
            pairs.Add(new VerificationPair($"pair#{pairs.Count}a", $"pair#{pairs.Count}b", same, group.Length > 0 ? group : null, Int(cFold)));
            scores.Add(s);
            gfolds.Add(Int(cGFold));
        }
        if (pairs.Count == 0) throw new InvalidDataException($"{path}: no scored pairs");
        return new ScoreFile(pairs, [.. scores], [.. gfolds]);
    }

    private static string Clean(string s) => s.Replace('\t', ' ').Replace('\n', ' ');
}
