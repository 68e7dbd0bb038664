namespace FaceBoost.Experiments;

/// <summary>Aggregates per-seed results into arm × fraction rows: mean ± std over seeds, the
/// group Avg/Std (as RFW tables), and the gain over the from-scratch arm, paired by seed — on the pooled accuracy (one
/// threshold for every pair) and on the group average (each group its own threshold, as RFW's "Avg"), since on a
/// mixed evaluation set the two differ by how well a model's scores are calibrated across groups. A seed trained from
/// several pretraining draws counts once, with its figures averaged over the draws.</summary>
public sealed class ResultTable
{
    public sealed record Row(
        string Arm, double LabelFraction, string EvalSet, int Seeds,
        double AccMean, double AccStd, double Tar1e2Mean, double Tar1e3Mean, double AucMean,
        IReadOnlyDictionary<string, double> GroupAccMean, double GroupAvg, double GroupStd, double? GainOverScratch,
        PairedGain? Paired = null, double LabeledIdentities = 0, double LabeledImages = 0, PairedGain? PairedGroupAvg = null);

    public IReadOnlyList<Row> Rows { get; }
    public IReadOnlyList<string> Groups { get; }
    public const string ScratchArm = "scratch";

    public ResultTable(IReadOnlyList<ArmResult> results, IReadOnlyList<string>? armOrder = null)
    {
        results = results.GroupBy(r => (r.Arm, r.LabelFraction, r.EvalSet, r.Seed)).Select(g => ArmResult.MeanOverDraws(g.ToList())).ToList();
        Groups = results.SelectMany(r => r.Groups.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        var order = armOrder ?? results.Select(r => r.Arm).Distinct().ToList();
        var rows = new List<Row>();
        foreach (var g in results.GroupBy(r => (r.Arm, r.LabelFraction, r.EvalSet))
                     .OrderBy(g => g.Key.EvalSet, StringComparer.Ordinal).ThenBy(g => g.Key.LabelFraction)
                     .ThenBy(g => IndexOf(order, g.Key.Arm)))
        {
            var runs = g.ToList();
            var acc = runs.Select(r => r.Overall.Accuracy).ToList();
            var groupMeans = Groups.Where(name => runs.All(r => r.Groups.ContainsKey(name)))
                .ToDictionary(name => name, name => runs.Average(r => r.Groups[name].Accuracy));
            rows.Add(new Row(g.Key.Arm, g.Key.LabelFraction, g.Key.EvalSet, runs.Count,
                acc.Average(), SampleStd(acc), runs.Average(r => r.Overall.TarAtFar1e2 ?? double.NaN), runs.Average(r => r.Overall.TarAtFar1e3 ?? double.NaN),
                runs.Average(r => r.Overall.Auc), groupMeans,
                groupMeans.Count > 0 ? groupMeans.Values.Average() : double.NaN,
                groupMeans.Count > 1 ? PopulationStd(groupMeans.Values.ToList()) : double.NaN, null,
                LabeledIdentities: runs.Average(r => r.LabeledIdentities), LabeledImages: runs.Average(r => r.LabeledImages)));
        }
        var bySeed = results.GroupBy(r => (r.Arm, r.LabelFraction, r.EvalSet))
            .ToDictionary(g => g.Key, g => g.GroupBy(r => r.Seed).ToDictionary(s => s.Key, s => s.First()));
        // Gain over from-scratch at the same fraction and evaluation set.
        Rows = rows.Select(r =>
        {
            var scratch = rows.FirstOrDefault(s => s.Arm == ScratchArm && s.LabelFraction == r.LabelFraction && s.EvalSet == r.EvalSet);
            if (scratch is null || r.Arm == ScratchArm) return r;
            var mine = bySeed[(r.Arm, r.LabelFraction, r.EvalSet)];
            var theirs = bySeed[(ScratchArm, r.LabelFraction, r.EvalSet)];
            var both = mine.Where(kv => theirs.ContainsKey(kv.Key)).Select(kv => (Seed: kv.Key, Arm: kv.Value, Scratch: theirs[kv.Key])).ToList();
            var pairs = both.Select(p => (p.Seed, p.Arm.Overall.Accuracy, p.Scratch.Overall.Accuracy)).ToList();
            // The row's own groups (those every seed of the arm has): another evaluation set may name other groups.
            var groups = r.GroupAccMean.Keys.ToList();
            var avgPairs = both.Select(p => (p.Seed, Arm: GroupAverage(p.Arm, groups), Scratch: GroupAverage(p.Scratch, groups)))
                .Where(p => p.Arm is not null && p.Scratch is not null).Select(p => (p.Seed, p.Arm!.Value, p.Scratch!.Value)).ToList();
            return r with { GainOverScratch = r.AccMean - scratch.AccMean, Paired = PairedGain.Of(pairs),
                            PairedGroupAvg = avgPairs.Count == pairs.Count ? PairedGain.Of(avgPairs) : null };
        }).ToList();
    }

    /// <summary>One model's accuracy averaged over <paramref name="groups"/>, or null when they are fewer than two or it lacks one.</summary>
    private static double? GroupAverage(ArmResult r, IReadOnlyList<string> groups) =>
        groups.Count > 1 && groups.All(r.Groups.ContainsKey) ? groups.Average(g => r.Groups[g].Accuracy) : null;

    private static int IndexOf(IReadOnlyList<string> order, string arm)
    {
        for (int i = 0; i < order.Count; i++) if (order[i] == arm) return i;
        return int.MaxValue;
    }

    /// <summary>Spread over seeds: the sample standard deviation (n−1).</summary>
    public static double SampleStd(IReadOnlyList<double> xs)
    {
        if (xs.Count < 2) return 0;
        double m = xs.Average();
        return Math.Sqrt(xs.Sum(x => (x - m) * (x - m)) / (xs.Count - 1));
    }

    /// <summary>Spread over demographic groups: the population standard deviation, which reproduces the
    /// paper's Std column (96.00/94.00/93.08/94.48 → 1.06).</summary>
    public static double PopulationStd(IReadOnlyList<double> xs)
    {
        if (xs.Count < 2) return 0;
        double m = xs.Average();
        return Math.Sqrt(xs.Sum(x => (x - m) * (x - m)) / xs.Count);
    }
}
