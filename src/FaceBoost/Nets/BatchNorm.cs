using FaceBoost.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FaceBoost.Nets;

/// <summary>Batch normalization over channels (dim 1), as torch's BatchNorm1d/2d, with the same state-dict entries
/// (weight, bias, running_mean, running_var, num_batches_tracked) so insightface/pSp weights and older checkpoints
/// load unchanged. Training mode normalizes with batch statistics and updates the running ones in place (momentum
/// 0.1, unbiased variance, as PyTorch); eval mode uses the running statistics. Unlike torch's module, the
/// num_batches_tracked increment uses a held Scalar.</summary>
public sealed class BatchNorm : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // state-dict names follow PyTorch
    public readonly Parameter weight;
    public readonly Parameter bias;
    public readonly Tensor running_mean;
    public readonly Tensor running_var;
    public readonly Tensor num_batches_tracked;
#pragma warning restore IDE1006
    private readonly int[] _inputDims;

    private BatchNorm(string name, long features, double eps, double momentum, int[] inputDims) : base(name)
    {
        if (features <= 0) throw new ArgumentOutOfRangeException(nameof(features), $"{name} needs at least one feature, got {features}");
        Features = features;
        Eps = eps;
        Momentum = momentum;
        _inputDims = inputDims;
        weight = nn.Parameter(ones(features));
        bias = nn.Parameter(zeros(features));
        running_mean = zeros(features);
        running_var = ones(features);
        num_batches_tracked = zeros(Array.Empty<long>(), ScalarType.Int64);
        RegisterComponents();
    }

    /// <summary>As torch.nn.BatchNorm1d: input (N, C) or (N, C, L).</summary>
    public static BatchNorm OneD(long features, double eps = 1e-5, double momentum = 0.1) =>
        new("BatchNorm1d", features, eps, momentum, [2, 3]);

    /// <summary>As torch.nn.BatchNorm2d: input (N, C, H, W).</summary>
    public static BatchNorm TwoD(long features, double eps = 1e-5, double momentum = 0.1) =>
        new("BatchNorm2d", features, eps, momentum, [4]);

    public long Features { get; }
    public double Eps { get; }
    public double Momentum { get; }

    public override Tensor forward(Tensor input)
    {
        if (!_inputDims.Contains((int)input.dim()))
            throw new ArgumentException($"{GetName()} expects a {string.Join(" or ", _inputDims)}-D input, got shape [{string.Join(",", input.shape)}]");
        if (input.shape[1] != Features)
            throw new ArgumentException($"{GetName()} has {Features} features, the input has {input.shape[1]} channels");
        if (training)
        {
            using var noGrad = no_grad();
            num_batches_tracked.add_(Scalars.One, Scalars.One);
        }
        return nn.functional.batch_norm(input, running_mean, running_var, weight, bias, training, Momentum, Eps);
    }
}
