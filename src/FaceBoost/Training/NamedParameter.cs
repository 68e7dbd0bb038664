using TorchSharp.Modules;

namespace FaceBoost.Training;

/// <summary>A trainable tensor with its state-dict name (prefixed, e.g. "model.layer1.0.conv1.weight") and
/// whether weight decay applies to it.</summary>
public sealed record NamedParameter(string Name, Parameter Parameter, bool Decay);
