using FaceBoost.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FaceBoost.Losses;

/// <summary>Plain softmax baseline: a linear layer (weight K×E, bias) on the raw embedding, no margin.</summary>
public sealed class SoftmaxHead : ClassifierHead
{
#pragma warning disable IDE1006
    private readonly Parameter weight;
    private readonly Parameter bias;
#pragma warning restore IDE1006

    public SoftmaxHead(int embeddingSize, int numClasses) : base(nameof(SoftmaxHead), embeddingSize, numClasses)
    {
        using var std = 0.01.ToScalar();
        using var mean = 0.0.ToScalar();
        weight = new Parameter(randn(numClasses, embeddingSize).mul_(std).add_(mean, Scalars.One));   // N(0, 0.01²)
        bias = new Parameter(torch.zeros(numClasses));
        RegisterComponents();
    }

    public override Tensor PlainLogits(Tensor embeddings) => nn.functional.linear(embeddings, weight, bias);

    public override Tensor forward(Tensor embeddings, Tensor labels)
    {
        Validate(embeddings, labels);
        return PlainLogits(embeddings);
    }
}
