using FaceBoost.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Training;

/// <summary>ADA (Karras et al. 2020): differentiable augmentations applied with probability p to everything
/// D sees (reals and fakes), p steered so that r_t = E[sign(D(real))] stays near the target.
/// Pipeline (subset of 'bgc'): x-flip, integer translation (±12.5 %), isotropic scale (log2 ~ N(0, 0.2)),
/// rotation (uniform), brightness (+N(0, 0.2)), contrast (×2^N(0, 0.5)), saturation (×2^N(0, 1)).
/// Geometry is one affine grid_sample per batch (reflection padding), so gradients reach G through it.</summary>
public sealed class AdaptiveAugment
{
    public double P { get; set; }
    public double Target { get; }
    public int Interval { get; }
    /// <summary>Images over which p can go from 0 to 1 (paper: 500 kimg; CPU default 20 kimg because runs are short).</summary>
    public double AdaKimg { get; }
    public double? LastRt { get; private set; }

    private double _signSum;
    private long _signCount;

    /// <summary>The partial r_t sums since the last adjustment (checkpointed so a resumed run adjusts identically).</summary>
    public (double Sum, long Count) PendingSigns
    {
        get => (_signSum, _signCount);
        set => (_signSum, _signCount) = value;
    }

    public AdaptiveAugment(double target = 0.6, int interval = 4, double adaKimg = 20, double initialP = 0)
    {
        if (adaKimg <= 0) throw new ArgumentOutOfRangeException(nameof(adaKimg), "ada kimg must be positive");
        Target = target; Interval = interval; AdaKimg = adaKimg; P = initialP;
    }

    /// <summary>Adds D's logits on (augmented) reals to the r_t estimate.</summary>
    public void Accumulate(Tensor realLogits)
    {
        using var s = realLogits.detach().sign();
        using var sum = s.sum();
        _signSum += Scalars.ToDouble(sum);
        _signCount += s.numel();
    }

    /// <summary>Called every step; every `Interval` steps moves p by sign(r_t − target)·batch·interval/(AdaKimg·1000).</summary>
    public bool MaybeAdjust(long step, int batchSize)
    {
        if ((step + 1) % Interval != 0 || _signCount == 0) return false;
        var rt = _signSum / _signCount;
        var adjust = Math.Sign(rt - Target) * (batchSize * (double)Interval) / (AdaKimg * 1000);
        P = Math.Clamp(P + adjust, 0, 1);
        LastRt = rt;
        _signSum = 0; _signCount = 0;
        return true;
    }

    public Tensor Apply(Tensor x) => Apply(x, P);

    public static Tensor Apply(Tensor x, double p)
    {
        if (p <= 0) return x;
        using var scope = NewDisposeScope();
        using var k = new KeptScalars();
        long n = x.shape[0], h = x.shape[2], w = x.shape[3];
        var o = new TensorOpts(x.dtype, x.device);
        var sp = k[p];
        Tensor Gate(Tensor value, Tensor identity) => where(rand(n, dtype: o.Type, device: o.Dev).lt(sp), value, identity);
        Tensor SignedUnit() => rand(n, dtype: o.Type, device: o.Dev).mul(Scalars.Two).sub(Scalars.One);   // U(-1, 1)
        Tensor PowerOfTwo(Tensor e) => exp2(e);
        var one = ones(n, dtype: o.Type, device: o.Dev);
        var zero = zeros(n, dtype: o.Type, device: o.Dev);
        Scalar sw = k.Int(w), sh = k.Int(h), eighth = k[0.125];

        // Geometry, as the inverse map output→input in normalised coordinates.
        var flip = Gate(-one, one);
        var tx = Gate(SignedUnit().mul(eighth).mul(sw).round().mul(Scalars.Two).div(sw), zero);
        var ty = Gate(SignedUnit().mul(eighth).mul(sh).round().mul(Scalars.Two).div(sh), zero);
        var scale = Gate(PowerOfTwo(randn(n, dtype: o.Type, device: o.Dev).mul(k[0.2])), one);
        var angle = Gate(SignedUnit().mul(k[Math.PI]), zero);
        var cos = angle.cos() / scale; var sin = angle.sin() / scale;
        var theta = stack([
            stack([cos * flip, -sin, tx], 1),
            stack([sin * flip, cos, ty], 1)], 1);                       // N×2×3
        var grid = nn.functional.affine_grid(theta, [n, x.shape[1], h, w], align_corners: false);
        x = BilinearReflect(x, grid);

        // Colour, around 0 (images are in [-1, 1]).
        x = x.add(Gate(randn(n, dtype: o.Type, device: o.Dev).mul(k[0.2]), zero).reshape(n, 1, 1, 1), Scalars.One);
        x = x * Gate(PowerOfTwo(randn(n, dtype: o.Type, device: o.Dev).mul(k[0.5])), one).reshape(n, 1, 1, 1);
        var luma = x.mean([1], keepdim: true);
        x = luma.add((x - luma) * Gate(PowerOfTwo(randn(n, dtype: o.Type, device: o.Dev)), one).reshape(n, 1, 1, 1), Scalars.One);
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>grid_sample (bilinear, reflection padding, align_corners=false) written with gathers: libtorch has
    /// no double backward for grid_sampler_2d, which R1 on augmented reals needs (stylegan2-ada ships a custom
    /// grid_sample_gradfix for the same reason). Weights come from the grid only, so this is linear in x.</summary>
    public static Tensor BilinearReflect(Tensor x, Tensor grid)
    {
        using var scope = NewDisposeScope();
        using var k = new KeptScalars();
        long n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
        Scalar sw = k.Int(w), sh = k.Int(h);
        var g = grid.detach();
        var px = g.select(3, 0).add(Scalars.One, Scalars.One).mul(sw).sub(Scalars.One).div(Scalars.Two);   // N×H×W source pixel coordinates
        var py = g.select(3, 1).add(Scalars.One, Scalars.One).mul(sh).sub(Scalars.One).div(Scalars.Two);
        var x0 = px.floor(); var y0 = py.floor();
        var fx = (px - x0).unsqueeze(1); var fy = (py - y0).unsqueeze(1);
        Tensor Reflect(Tensor i, long size)
        {
            var m = i.to(ScalarType.Int64).remainder(k.Int(2 * size));
            return where(m.ge(k.Int(size)), m.neg().add(k.Int(2 * size - 1), Scalars.One), m);
        }
        Tensor OneMinus(Tensor t) => t.neg().add(Scalars.One, Scalars.One);
        var ix0 = Reflect(x0, w); var ix1 = Reflect(x0.add(Scalars.One, Scalars.One), w);
        var iy0 = Reflect(y0, h); var iy1 = Reflect(y0.add(Scalars.One, Scalars.One), h);
        var flat = x.reshape(n, c, h * w);
        Tensor At(Tensor iy, Tensor ix) =>
            flat.gather(2, iy.mul(sw).add(ix, Scalars.One).reshape(n, 1, h * w).expand(n, c, h * w)).reshape(n, c, h, w);
        var top = (At(iy0, ix0) * OneMinus(fx)).add(At(iy0, ix1) * fx, Scalars.One);
        var bottom = (At(iy1, ix0) * OneMinus(fx)).add(At(iy1, ix1) * fx, Scalars.One);
        return (top * OneMinus(fy)).add(bottom * fy, Scalars.One).MoveToOuterDisposeScope();
    }

    private readonly record struct TensorOpts(ScalarType Type, Device Dev);
}
