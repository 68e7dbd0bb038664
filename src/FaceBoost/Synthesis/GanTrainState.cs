namespace FaceBoost.Synthesis;

/// <summary>Scalar training state stored in a checkpoint so a resumed run continues exactly.</summary>
public sealed record GanTrainState(
    long ImagesShown,
    long Step,
    double AdaP,
    double PlMean,
    long NextSnapshotImages,
    long NextSampleImages,
    double? InitialFrechetDistance = null);
