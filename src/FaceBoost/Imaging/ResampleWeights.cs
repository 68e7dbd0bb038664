namespace FaceBoost.Imaging;

/// <summary>Per-output-pixel tap ranges and normalised weights of a separable triangle filter along one axis.</summary>
internal sealed class ResampleWeights
{
    public required int[] Start { get; init; }
    public required int[] Count { get; init; }
    public required float[] Weights { get; init; }   // [outIndex * MaxTaps + k]
    public required int MaxTaps { get; init; }

    public static ResampleWeights Build(int inSize, int outSize, bool antialias)
    {
        double scale = (double)inSize / outSize;
        // Support of the triangle in source pixels: 1 for bilinear; widened when shrinking with antialiasing.
        double support = antialias && scale > 1 ? scale : 1.0;
        int maxTaps = (int)Math.Ceiling(support) * 2 + 1;
        var start = new int[outSize];
        var count = new int[outSize];
        var weights = new float[outSize * maxTaps];
        var w = new double[maxTaps];
        for (int i = 0; i < outSize; i++)
        {
            double center = (i + 0.5) * scale - 0.5;   // align_corners=False
            if (support == 1.0)
            {
                // Plain bilinear with edge clamping, exactly as PyTorch computes it.
                double c = Math.Max(center, 0);
                int i0 = Math.Min((int)Math.Floor(c), inSize - 1);
                int i1 = Math.Min(i0 + 1, inSize - 1);
                double f = c - i0;
                start[i] = i0;
                if (i1 == i0 || f == 0) { count[i] = 1; weights[i * maxTaps] = 1f; }
                else
                {
                    count[i] = 2;
                    weights[i * maxTaps] = (float)(1 - f);
                    weights[i * maxTaps + 1] = (float)f;
                }
                continue;
            }
            int lo = Math.Max(0, (int)Math.Floor(center - support) + 1);
            int hi = Math.Min(inSize - 1, (int)Math.Ceiling(center + support) - 1);
            double sum = 0;
            int n = 0;
            for (int j = lo; j <= hi && n < maxTaps; j++, n++)
            {
                double t = 1 - Math.Abs(j - center) / support;
                w[n] = t > 0 ? t : 0;
                sum += w[n];
            }
            start[i] = lo;
            count[i] = n;
            for (int k = 0; k < n; k++) weights[i * maxTaps + k] = (float)(w[k] / sum);
        }
        return new ResampleWeights { Start = start, Count = count, Weights = weights, MaxTaps = maxTaps };
    }
}
