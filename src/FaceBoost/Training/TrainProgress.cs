namespace FaceBoost.Training;

/// <summary>Reported after every optimiser step (Loss/Accuracy are means over the current logging interval).</summary>
public sealed record TrainProgress(int Epoch, int Epochs, int Batch, int BatchesPerEpoch, long GlobalStep, long TotalSteps,
    double Loss, double Accuracy, double LearningRate, double ImagesPerSecond);

/// <summary>How a run ended.</summary>
public sealed record TrainResult(long GlobalStep, int EpochsCompleted, string? LastCheckpoint, double LastLoss, double LastAccuracy, bool Stopped);
