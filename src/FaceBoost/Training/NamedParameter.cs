using TorchSharp.Modules;

namespace FaceBoost.Training;

/// <summary>A trainable tensor with its state-dict name (prefixed, e.g. "model.layer1.0.conv1.weight") and
/// whether weight decay applies to it, and its learning-rate multiplier (a parameter group's lr in PyTorch terms: the
/// optimiser steps it with lr × <paramref name="LrScale"/>; decay coupled to the lr scales with it).</summary>
public sealed record NamedParameter(string Name, Parameter Parameter, bool Decay, double LrScale = 1);
