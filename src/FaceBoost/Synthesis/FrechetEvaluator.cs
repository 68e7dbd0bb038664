using TorchSharp;
using static TorchSharp.torch;
using FaceBoost.Nets.StyleGan;
using FaceBoost.Training;

namespace FaceBoost.Synthesis;

/// <summary>Measures a generator's Fréchet distance to a fixed real set in a given feature space.
/// Real statistics are computed once; fakes come from fixed seeds (no truncation, const noise) so that
/// successive measurements differ only because the generator changed.</summary>
public sealed class FrechetEvaluator : IGeneratorMetric
{
    private readonly Func<Tensor, Tensor> _features;
    private readonly FrechetDistance.Statistics _real;
    private readonly int _numFakes, _batch;
    private readonly long _seed;

    public string FeatureName { get; }

    public FrechetEvaluator(Func<Tensor, Tensor> features, Tensor realImages, string featureName, int numFakes = 0, int batch = 64, long seed = 777)
    {
        _features = features;
        FeatureName = featureName;
        _numFakes = numFakes > 0 ? numFakes : (int)realImages.shape[0];
        _batch = batch;
        _seed = seed;
        using var real = Embed(realImages); // held: Fit's last use of its argument is a native call
        _real = FrechetDistance.Fit(real);
        GC.KeepAlive(realImages); // callers pass views (`faces.Head(n)`) that Embed's last native reads still use
    }

    public int RealCount => _real.Count;

    public double Measure(StyleGenerator g)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        using var gen = new Generator((ulong)_seed);
        var wasTraining = g.training;
        g.eval();
        var feats = new List<Tensor>();
        for (var i = 0; i < _numFakes; i += _batch)
        {
            var n = Math.Min(_batch, _numFakes - i);
            var z = randn(new long[] { n, g.ZDim }, generator: gen);
            feats.Add(_features(g.Forward(z)).to(ScalarType.Float64));
        }
        g.train(wasTraining);
        return FrechetDistance.Compute(FrechetDistance.Fit(cat(feats, 0)), _real);
    }

    private Tensor Embed(Tensor images)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var parts = new List<Tensor>();
        for (long i = 0; i < images.shape[0]; i += _batch)
            parts.Add(_features(images.narrow(0, i, Math.Min(_batch, images.shape[0] - i))).to(ScalarType.Float64));
        return cat(parts, 0).MoveToOuterDisposeScope();
    }
}
