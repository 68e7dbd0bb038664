using FaceBoost.Runtime;
using TorchSharp;
using static TorchSharp.torch;
using FaceBoost.Nets.StyleGan;

namespace FaceBoost.Training;

/// <summary>StyleGAN2 loss terms: non-saturating logistic, R1 on reals and path-length regularisation.
/// The lazy scheduling (every N steps, scaled by N) lives in <see cref="GanTrainer"/>.</summary>
public static class StyleGanLoss
{
    /// <summary>G: softplus(−D(G(z))), mean over the batch.</summary>
    public static Tensor GeneratorLogistic(Tensor fakeLogits)
    {
        using var scope = NewDisposeScope();
        return Softplus(fakeLogits.neg()).mean().MoveToOuterDisposeScope();
    }

    /// <summary>D: softplus(D(G(z))) + softplus(−D(x)), means over the batch.</summary>
    public static Tensor DiscriminatorLogistic(Tensor realLogits, Tensor fakeLogits)
    {
        using var scope = NewDisposeScope();
        return Softplus(fakeLogits).mean().add(Softplus(realLogits.neg()).mean(), Scalars.One).MoveToOuterDisposeScope();
    }

    /// <summary>softplus(x) = log(1 + eˣ) as −log σ(−x): stable for any x, and free of the Scalars that
    /// TorchSharp's softplus(beta, threshold) creates.</summary>
    private static Tensor Softplus(Tensor x) => nn.functional.logsigmoid(x.neg()).neg();

    /// <summary>Per-sample R1 penalty ‖∇ₓ D(aug(x))‖² (N), with the graph kept so it can be back-propagated
    /// into D (double backprop). Also returns the logits.</summary>
    public static (Tensor Penalty, Tensor Logits) R1Penalty(nn.Module<Tensor, Tensor> d, Tensor reals, Func<Tensor, Tensor>? augment = null)
    {
        using var scope = NewDisposeScope();
        var x = reals.detach().requires_grad_(true);
        var logits = d.forward(augment is null ? x : augment(x));
        var grads = torch.autograd.grad([logits.sum()], [x], retain_graph: true, create_graph: true)[0];
        var penalty = grads.pow(Scalars.Two).sum([1, 2, 3]);
        return (penalty.MoveToOuterDisposeScope(), logits.MoveToOuterDisposeScope());
    }

    /// <summary>Per-sample path lengths ‖Jᵀy‖ (averaged over the ws, as the reference does) for
    /// y ~ N(0, 1/(H·W)) (or the given y): how much the image moves per unit move in W+.
    /// `ws` must be part of the graph (e.g. mapping output) or require grad.</summary>
    public static Tensor PathLengths(StyleGenerator g, Tensor ws, NoiseMode noise = NoiseMode.Random, Tensor? y = null)
    {
        using var scope = NewDisposeScope();
        var img = g.Synthesis(ws, noise);
        using var pixels = Math.Sqrt(img.shape[2] * img.shape[3]).ToScalar();
        y ??= randn_like(img).div(pixels);
        var grads = torch.autograd.grad([(img * y).sum()], [ws], retain_graph: true, create_graph: true)[0];
        return grads.pow(Scalars.Two).sum([2]).mean([1]).sqrt().MoveToOuterDisposeScope();
    }

    /// <summary>(‖Jᵀy‖ − a)², with a the running mean of path lengths.</summary>
    public static Tensor PathLengthPenalty(Tensor lengths, double plMean)
    {
        using var scope = NewDisposeScope();
        using var mean = plMean.ToScalar();
        return lengths.sub(mean).pow(Scalars.Two).MoveToOuterDisposeScope();
    }
}
