namespace FaceBoost.Training;

/// <summary>The loss or gradients became NaN/Inf; training stopped without writing the bad weights.</summary>
public sealed class TrainingDivergedException(string message) : Exception(message);
