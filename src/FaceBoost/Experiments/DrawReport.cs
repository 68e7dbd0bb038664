using System.Globalization;

namespace FaceBoost.Experiments;

/// <summary>The crossed view of an experiment with <see cref="ExperimentConfig.CrossDraws"/>: every recognition seed
/// trained from every pretraining draw, so a pretrained arm's gain over scratch is a seeds × draws table. It gives each
/// draw's mean gain (over seeds) and splits the spread two-way, as a random-effects analysis of one observation per cell:
/// the draw's own effect, the seed's, and their interaction (a given encoder suiting one labeled subset and not another).</summary>
public static class DrawReport
{
    /// <param name="Mean">Mean gain over every (seed, draw) cell (fraction, not points).</param>
    /// <param name="DrawMeans">Each draw's mean gain over the seeds, in draw order.</param>
    /// <param name="DrawSd">Standard deviation of the draws' effect (variance component, ≥ 0).</param>
    /// <param name="SeedSd">Standard deviation of the seeds' effect (variance component, ≥ 0).</param>
    /// <param name="ResidualSd">Standard deviation of the seed × draw interaction (NaN with one seed or one draw).</param>
    /// <param name="StandardError">Standard error of <see cref="Mean"/> with both seeds and draws as random samples.</param>
    public sealed record Spread(int Seeds, IReadOnlyList<int> Draws, double Mean, IReadOnlyList<double> DrawMeans,
        double DrawSd, double SeedSd, double ResidualSd, double StandardError)
    {
        /// <summary>The project's bar with draws as the units: ≥ 3 draws and a mean above 3 × the std of the draws' means.</summary>
        public bool ShownOverDraws => DrawMeans.Count >= PairedGain.ShownMinSeeds && Mean > PairedGain.ShownFactor * ResultTable.SampleStd(DrawMeans);
    }

    /// <summary>The spread of a complete seeds × draws table of gains; null when a cell is missing.</summary>
    public static Spread? Of(IReadOnlyDictionary<(int Seed, int Draw), double> gains)
    {
        var seeds = gains.Keys.Select(k => k.Seed).Distinct().Order().ToList();
        var draws = gains.Keys.Select(k => k.Draw).Distinct().Order().ToList();
        if (seeds.Count == 0 || gains.Count != seeds.Count * draws.Count) return null;
        var mean = gains.Values.Average();
        var dm = draws.Select(d => seeds.Average(s => gains[(s, d)])).ToList();
        var sm = seeds.Select(s => draws.Average(d => gains[(s, d)])).ToList();
        var dof = (seeds.Count - 1) * (draws.Count - 1);
        var sumSq = 0.0;
        for (var i = 0; i < seeds.Count; i++)
            for (var j = 0; j < draws.Count; j++)
            {
                var e = gains[(seeds[i], draws[j])] - dm[j] - sm[i] + mean;
                sumSq += e * e;
            }
        var rVar = dof > 0 ? sumSq / dof : double.NaN;
        var rKnown = double.IsNaN(rVar) ? 0 : rVar;
        static double Var(IReadOnlyList<double> xs) => Math.Pow(ResultTable.SampleStd(xs), 2);
        var vDraw = draws.Count > 1 ? Math.Max(0, Var(dm) - rKnown / seeds.Count) : 0;
        var vSeed = seeds.Count > 1 ? Math.Max(0, Var(sm) - rKnown / draws.Count) : 0;
        var se = Math.Sqrt(vDraw / draws.Count + vSeed / seeds.Count + rKnown / (draws.Count * seeds.Count));
        return new Spread(seeds.Count, draws, mean, dm, Math.Sqrt(vDraw), Math.Sqrt(vSeed), Math.Sqrt(rVar), se);
    }

    /// <summary>Gains of <paramref name="arm"/> over scratch, by (seed, draw), at one fraction and evaluation set.</summary>
    public static Dictionary<(int Seed, int Draw), double> Gains(IReadOnlyList<ArmResult> results, string arm, double fraction, string evalSet)
    {
        var at = results.Where(r => r.LabelFraction == fraction && r.EvalSet == evalSet).ToList();
        var scratch = at.Where(r => r.Arm == ResultTable.ScratchArm).GroupBy(r => r.Seed).ToDictionary(g => g.Key, g => g.First().Overall.Accuracy);
        return at.Where(r => r.Arm == arm && scratch.ContainsKey(r.Seed))
            .GroupBy(r => (r.Seed, r.Draw)).ToDictionary(g => g.Key, g => g.First().Overall.Accuracy - scratch[g.Key.Seed]);
    }

    public static ReportWriter.Section Section(IReadOnlyList<ArmResult> results, IReadOnlyList<string> arms, string evalSet)
    {
        string P(double x) => (100 * x).ToString("0.00", CultureInfo.InvariantCulture);
        var header = new List<string> { "Arm", "Labels", "Seeds × draws", "Mean gain", "Gain per draw (mean over seeds)", "Draws > 0",
            "sd draw / seed / interaction", "SE", "Over draws" };
        var rows = new List<IReadOnlyList<string>>();
        foreach (var fraction in results.Where(r => r.EvalSet == evalSet).Select(r => r.LabelFraction).Distinct().Order())
            foreach (var arm in arms.Where(a => a != ResultTable.ScratchArm))
            {
                if (Of(Gains(results, arm, fraction, evalSet)) is not { } sp) continue;
                rows.Add([arm, ReportWriter.Frac(fraction), $"{sp.Seeds} × {sp.Draws.Count}", ReportWriter.Gain(sp.Mean),
                    string.Join(" ", sp.Draws.Zip(sp.DrawMeans, (d, g) => $"{d}: {ReportWriter.Gain(g)}")),
                    $"{sp.DrawMeans.Count(g => g > 0)}/{sp.Draws.Count}",
                    $"{P(sp.DrawSd)} / {P(sp.SeedSd)} / {(double.IsNaN(sp.ResidualSd) ? "–" : P(sp.ResidualSd))}", P(sp.StandardError),
                    sp.ShownOverDraws ? "shown" : "not shown"]);
            }
        return new ReportWriter.Section($"Gain over scratch per pretraining draw — `{evalSet}`", header, rows,
            "Every recognition seed trained from every pretraining draw. Mean gain over all seed × draw cells (points); each draw's mean " +
            "over the seeds; the spread split into the draws' effect, the seeds' effect and their interaction (standard deviations of a " +
            "two-way random-effects fit, points); SE of the mean gain with seeds and draws both as samples. \"Over draws\": shown when " +
            $"≥ {PairedGain.ShownMinSeeds} draws and the mean gain > {PairedGain.ShownFactor:0} × the std of the draws' means — the bar with " +
            "draws as the units; the verification tables keep seeds as the units, each seed's gain averaged over the draws.");
    }
}
