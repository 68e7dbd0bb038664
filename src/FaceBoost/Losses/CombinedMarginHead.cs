using FaceBoost.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FaceBoost.Losses;

/// <summary>insightface's combined margin: target logit cos θ → cos(m1·θ + m2) − m3, all logits × s, on
/// normalised embeddings and class centres. ArcFace = (1, 0.5, 0), CosFace = (1, 0, 0.4).
/// For pure ArcFace, as insightface: with easy margin the margin applies only where cos θ &gt; 0; otherwise,
/// where θ + m2 would pass π (cos θ ≤ cos(π − m2)) the logit becomes cos θ − sin(π − m2)·m2 so it stays monotone.</summary>
public sealed class CombinedMarginHead : ClassifierHead
{
#pragma warning disable IDE1006
    private readonly Parameter weight;
#pragma warning restore IDE1006
    // Every constant of the forward pass as a Scalar held by this head: an implicit double → Scalar temporary is
    // referenced by nothing once its handle reaches libtorch, and a GC finalizer can free it mid-op. add() gets its
    // alpha explicitly (Scalars.One): the one-argument form creates an implicit alpha = 1 itself (sub() passes none).
    private readonly Scalar _minusOne = (-1.0).ToScalar(), _zero = 0.0.ToScalar(), _sinFloor = 1e-6.ToScalar();
    private readonly Scalar _acosLo = (-1 + 1e-7).ToScalar(), _acosHi = (1 - 1e-7).ToScalar();
    private readonly Scalar _scale, _m1, _m2, _m3, _cosM, _sinM, _threshold, _fallback;

    public CombinedMarginHead(int embeddingSize, int numClasses, double s, double m1, double m2, double m3, bool easyMargin = false)
        : base(nameof(CombinedMarginHead), embeddingSize, numClasses)
    {
        if (s <= 0) throw new ArgumentException($"scale s must be positive, got {s}");
        if (m1 < 1 || m2 < 0 || m3 < 0 || m2 >= Math.PI / 2) throw new ArgumentException($"margins need m1 ≥ 1, 0 ≤ m2 < π/2, m3 ≥ 0; got ({m1}, {m2}, {m3})");
        Scale = s; M1 = m1; M2 = m2; M3 = m3; EasyMargin = easyMargin;
        _scale = s.ToScalar(); _m1 = m1.ToScalar(); _m2 = m2.ToScalar(); _m3 = m3.ToScalar();
        _cosM = Math.Cos(m2).ToScalar(); _sinM = Math.Sin(m2).ToScalar();
        _threshold = Math.Cos(Math.PI - m2).ToScalar(); _fallback = (Math.Sin(Math.PI - m2) * m2).ToScalar();
        using var std = 0.01.ToScalar();
        using var mean = 0.0.ToScalar();
        weight = new Parameter(randn(numClasses, embeddingSize).mul_(std).add_(mean, Scalars.One));   // N(0, 0.01²)
        RegisterComponents();
    }

    public static CombinedMarginHead ArcFace(int embeddingSize, int numClasses, double s = 64, double m = 0.5, bool easyMargin = false) =>
        new(embeddingSize, numClasses, s, 1, m, 0, easyMargin);

    public static CombinedMarginHead CosFace(int embeddingSize, int numClasses, double s = 64, double m = 0.4) =>
        new(embeddingSize, numClasses, s, 1, 0, m);

    public double Scale { get; }
    public double M1 { get; }
    public double M2 { get; }
    public double M3 { get; }
    public bool EasyMargin { get; }
    public Parameter Weight => weight;

    /// <summary>Cosines between L2-normalised embeddings and class centres (N×K).</summary>
    public Tensor Cosine(Tensor embeddings) =>
        nn.functional.linear(nn.functional.normalize(embeddings, dim: 1), nn.functional.normalize(weight, dim: 1)).clamp(_minusOne, Scalars.One);

    public override Tensor PlainLogits(Tensor embeddings)
    {
        using var scope = NewDisposeScope();
        return Cosine(embeddings).mul(_scale).MoveToOuterDisposeScope();
    }

    public override Tensor forward(Tensor embeddings, Tensor labels)
    {
        Validate(embeddings, labels);
        using var scope = NewDisposeScope();
        var cos = Cosine(embeddings);
        var idx = labels.unsqueeze(1);
        var target = cos.gather(1, idx);
        Tensor final;
        if (M1 == 1 && M3 == 0 && M2 > 0)
        {
            // cos(θ + m) = cos θ cos m − sin θ sin m
            // clamp away from 0: at cos θ = ±1 the sqrt gradient is infinite and turns into NaN through torch.where.
            var sin = target.mul(target).neg().add(Scalars.One, Scalars.One).clamp_min(_sinFloor).sqrt();
            var cosThetaM = target.mul(_cosM).sub(sin.mul(_sinM));
            final = EasyMargin
                ? torch.where(target.gt(_zero), cosThetaM, target)
                : torch.where(target.gt(_threshold), cosThetaM, target.sub(_fallback));
        }
        else if (M1 == 1 && M2 == 0)
        {
            final = target.sub(_m3);
        }
        else
        {
            var theta = target.clamp(_acosLo, _acosHi).acos();
            final = theta.mul(_m1).add(_m2, Scalars.One).cos().sub(_m3);
        }
        var logits = cos.scatter(1, idx, final).mul(_scale);
        return logits.MoveToOuterDisposeScope();
    }
}
