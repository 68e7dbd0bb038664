namespace FaceBoost.Evaluation;

/// <summary>One operating point: pairs with score ≥ <see cref="Threshold"/> are accepted.</summary>
public readonly record struct RocPoint(double Threshold, double Far, double Tar);

/// <summary>ROC curve over all distinct score thresholds, from (0,0) to (1,1). Equal scores form one
/// step, so ties give a diagonal segment and the trapezoid AUC counts them as half (the Mann–Whitney
/// convention). EER is where FAR = FRR, linearly interpolated between the two enclosing points.</summary>
public sealed record RocCurve(IReadOnlyList<RocPoint> Points, double Auc, double Eer, double EerThreshold)
{
    public static RocCurve Compute(IReadOnlyList<double> scores, IReadOnlyList<bool> same)
    {
        int n = scores.Count;
        int nGen = same.Count(s => s), nImp = n - nGen;
        if (nGen == 0 || nImp == 0)
            throw new ArgumentException($"a ROC curve needs genuine and impostor pairs (have {nGen} genuine, {nImp} impostor)");
        var order = Enumerable.Range(0, n).OrderByDescending(i => scores[i]).ToArray();
        var pts = new List<RocPoint>(n + 1) { new(double.PositiveInfinity, 0, 0) };
        int tp = 0, fp = 0;
        for (int j = 0; j < n;)
        {
            double s = scores[order[j]];
            while (j < n && scores[order[j]] == s) { if (same[order[j]]) tp++; else fp++; j++; }
            pts.Add(new RocPoint(s, (double)fp / nImp, (double)tp / nGen));
        }
        double auc = 0;
        for (int i = 1; i < pts.Count; i++) auc += (pts[i].Far - pts[i - 1].Far) * (pts[i].Tar + pts[i - 1].Tar) / 2;

        double eer = double.NaN, eerT = double.NaN;
        for (int i = 1; i < pts.Count; i++)
        {
            double dq = pts[i].Far - (1 - pts[i].Tar);
            if (dq < 0) continue;
            var p = pts[i - 1]; var q = pts[i];
            double dp = p.Far - (1 - p.Tar); // < 0: FRR still above FAR
            double a = dq == dp ? 1 : -dp / (dq - dp);
            eer = p.Far + a * (q.Far - p.Far);
            eerT = double.IsInfinity(p.Threshold) ? q.Threshold : p.Threshold + a * (q.Threshold - p.Threshold);
            break;
        }
        return new RocCurve(pts, auc, eer, eerT);
    }

    /// <summary>A lighter curve for files and plots (metrics use the full one): a point is kept when FAR or
    /// TAR moved by 1/<paramref name="resolution"/> or log10 FAR by 0.01 since the last kept point, so both
    /// linear and log-FAR plots keep their shape. First and last points are always kept.</summary>
    public IReadOnlyList<RocPoint> Thinned(int resolution = 1000)
    {
        if (Points.Count <= resolution) return Points;
        var r = new List<RocPoint> { Points[0] };
        double step = 1.0 / resolution;
        for (int i = 1; i < Points.Count - 1; i++)
        {
            var last = r[^1]; var p = Points[i];
            bool logMoved = p.Far > 0 && (last.Far == 0 || Math.Log10(p.Far) - Math.Log10(last.Far) >= 0.01);
            if (p.Far - last.Far >= step || p.Tar - last.Tar >= step || logMoved) r.Add(p);
        }
        r.Add(Points[^1]);
        return r;
    }
}
