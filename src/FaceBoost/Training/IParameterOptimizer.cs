using static TorchSharp.torch;

namespace FaceBoost.Training;

/// <summary>An optimiser over named parameters whose whole state is a set of named tensors, so a checkpoint can
/// store and restore it exactly. Parameters without a gradient (frozen) are skipped, as in PyTorch.</summary>
public interface IParameterOptimizer : IDisposable
{
    double LearningRate { get; set; }
    IReadOnlyList<NamedParameter> Parameters { get; }
    void ZeroGrad();
    void Step();
    /// <summary>State tensors keyed "&lt;parameter name&gt;/&lt;slot&gt;" (copies are not made; do not dispose).</summary>
    IReadOnlyDictionary<string, Tensor> StateTensors();
    void LoadState(IReadOnlyDictionary<string, Tensor> state);
}
