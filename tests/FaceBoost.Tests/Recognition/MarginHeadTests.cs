using FaceBoost.Losses;
using FaceBoost.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Tests.Recognition;

public sealed class MarginHeadTests
{
    public MarginHeadTests() => TorchRuntime.Initialize(2);

    // Embedding and class centres chosen so the cosines are known: e = (1, 0); centres (cos a, sin a).
    private static (Tensor Emb, Tensor Labels) SetUp(CombinedMarginHead head, double[] angles)
    {
        using (no_grad())
        {
            var w = angles.SelectMany(a => new[] { (float)Math.Cos(a), (float)Math.Sin(a) }).ToArray();
            head.Weight.copy_(tensor(w, [angles.Length, 2]));
        }
        return (tensor(new float[] { 3f, 0f }, [1, 2]), tensor(new long[] { 0 }));
    }

    [Fact]
    public void ArcFaceAddsAngularMarginToTargetOnly()
    {
        using var head = CombinedMarginHead.ArcFace(2, 3, s: 64, m: 0.5);
        var (e, y) = SetUp(head, [0.3, 1.0, 2.0]);
        var logits = head.forward(e, y).data<float>().ToArray();
        Assert.Equal(64 * Math.Cos(0.3 + 0.5), logits[0], 3);
        Assert.Equal(64 * Math.Cos(1.0), logits[1], 3);
        Assert.Equal(64 * Math.Cos(2.0), logits[2], 3);
    }

    [Fact]
    public void ArcFaceFallsBackPastPiMinusM()
    {
        // θ = 2.9 > π − 0.5: insightface uses cos θ − sin(π − m)·m instead of cos(θ + m).
        using var head = CombinedMarginHead.ArcFace(2, 2, s: 64, m: 0.5);
        var (e, y) = SetUp(head, [2.9, 0.1]);
        var logits = head.forward(e, y).data<float>().ToArray();
        Assert.Equal(64 * (Math.Cos(2.9) - Math.Sin(Math.PI - 0.5) * 0.5), logits[0], 3);

        using var easy = CombinedMarginHead.ArcFace(2, 2, s: 64, m: 0.5, easyMargin: true);
        (e, y) = SetUp(easy, [2.0, 0.1]); // cos θ < 0: easy margin leaves it alone
        Assert.Equal(64 * Math.Cos(2.0), easy.forward(e, y).data<float>()[0], 3);
    }

    [Fact]
    public void CosFaceAndCombinedMatchHandComputedLogits()
    {
        using var cos = CombinedMarginHead.CosFace(2, 2, s: 64, m: 0.4);
        var (e, y) = SetUp(cos, [0.7, 1.2]);
        var l = cos.forward(e, y).data<float>().ToArray();
        Assert.Equal(64 * (Math.Cos(0.7) - 0.4), l[0], 3);
        Assert.Equal(64 * Math.Cos(1.2), l[1], 3);

        using var comb = new CombinedMarginHead(2, 2, 30, 1.2, 0.3, 0.2);
        (e, y) = SetUp(comb, [0.7, 1.2]);
        l = comb.forward(e, y).data<float>().ToArray();
        Assert.Equal(30 * (Math.Cos(1.2 * 0.7 + 0.3) - 0.2), l[0], 3);
        Assert.Equal(30 * Math.Cos(1.2), l[1], 3);
    }

    [Fact]
    public void FocalLossDownWeightsEasySamples()
    {
        var logits = tensor(new float[] { 4, 0, 0, 0.5f, 0.2f, 0 }, [2, 3]);
        var y = tensor(new long[] { 0, 2 });
        var ce = new ClassificationLoss(0).Compute(logits, y).item<float>();
        var focal = new ClassificationLoss(2).Compute(logits, y).item<float>();
        double Ce(double[] z, int t) => -z[t] + Math.Log(z.Sum(Math.Exp));
        var c0 = Ce([4, 0, 0], 0); var c1 = Ce([0.5, 0.2, 0], 2);
        Assert.Equal((c0 + c1) / 2, ce, 4);
        double F(double c) => Math.Pow(1 - Math.Exp(-c), 2) * c;
        Assert.Equal((F(c0) + F(c1)) / 2, focal, 4);
    }

    [Fact]
    public void LabelsOutOfRangeAreRejectedBeforeLibtorch()
    {
        using var head = CombinedMarginHead.ArcFace(4, 5);
        var e = randn(2, 4);
        var ex = Assert.Throws<ArgumentException>(() => head.forward(e, tensor(new long[] { 1, 5 })));
        Assert.Contains("[0, 5)", ex.Message);
        Assert.Throws<ArgumentException>(() => head.forward(e, tensor(new long[] { -1, 0 })));
        Assert.Throws<ArgumentException>(() => new SoftmaxHead(4, 5).forward(e, tensor(new int[] { 0, 1 })));
    }
}
