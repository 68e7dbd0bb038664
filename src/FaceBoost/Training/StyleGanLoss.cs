using TorchSharp;
using static TorchSharp.torch;
using FaceBoost.Nets.StyleGan;

namespace FaceBoost.Training;

/// <summary>StyleGAN2 loss terms: non-saturating logistic, R1 on reals and path-length regularisation.
/// The lazy scheduling (every N steps, scaled by N) lives in <see cref="GanTrainer"/>.</summary>
public static class StyleGanLoss
{
    /// <summary>G: softplus(−D(G(z))), mean over the batch.</summary>
    public static Tensor GeneratorLogistic(Tensor fakeLogits) => nn.functional.softplus(-fakeLogits).mean();

    /// <summary>D: softplus(D(G(z))) + softplus(−D(x)), means over the batch.</summary>
    public static Tensor DiscriminatorLogistic(Tensor realLogits, Tensor fakeLogits) =>
        nn.functional.softplus(fakeLogits).mean() + nn.functional.softplus(-realLogits).mean();

    /// <summary>Per-sample R1 penalty ‖∇ₓ D(aug(x))‖² (N), with the graph kept so it can be back-propagated
    /// into D (double backprop). Also returns the logits.</summary>
    public static (Tensor Penalty, Tensor Logits) R1Penalty(nn.Module<Tensor, Tensor> d, Tensor reals, Func<Tensor, Tensor>? augment = null)
    {
        using var scope = NewDisposeScope();
        var x = reals.detach().requires_grad_(true);
        var logits = d.forward(augment is null ? x : augment(x));
        var grads = torch.autograd.grad([logits.sum()], [x], retain_graph: true, create_graph: true)[0];
        var penalty = grads.square().sum([1, 2, 3]);
        return (penalty.MoveToOuterDisposeScope(), logits.MoveToOuterDisposeScope());
    }

    /// <summary>Per-sample path lengths ‖Jᵀy‖ (averaged over the ws, as the reference does) for
    /// y ~ N(0, 1/(H·W)) (or the given y): how much the image moves per unit move in W+.
    /// `ws` must be part of the graph (e.g. mapping output) or require grad.</summary>
    public static Tensor PathLengths(StyleGenerator g, Tensor ws, NoiseMode noise = NoiseMode.Random, Tensor? y = null)
    {
        using var scope = NewDisposeScope();
        var img = g.Synthesis(ws, noise);
        y ??= randn_like(img) / Math.Sqrt(img.shape[2] * img.shape[3]);
        var grads = torch.autograd.grad([(img * y).sum()], [ws], retain_graph: true, create_graph: true)[0];
        return grads.square().sum([2]).mean([1]).sqrt().MoveToOuterDisposeScope();
    }

    /// <summary>(‖Jᵀy‖ − a)², with a the running mean of path lengths.</summary>
    public static Tensor PathLengthPenalty(Tensor lengths, double plMean) => (lengths - plMean).square();
}
