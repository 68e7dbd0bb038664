namespace FaceBoost.Synthesis;

/// <summary>Reported by <see cref="GanTrainer.Run"/> after every logged interval.</summary>
public sealed record GanProgress(double Kimg, double TotalKimg, double LossG, double LossD, double AdaP, double? FrechetDistance, double ImagesPerSecond);

/// <summary>Thrown when a loss becomes NaN/∞; the last good checkpoint is left in place.</summary>
public sealed class GanDivergedException(string message) : Exception(message);
