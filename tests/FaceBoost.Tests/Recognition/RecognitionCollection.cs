namespace FaceBoost.Tests.Recognition;

/// <summary>Tests that need libtorch's process-wide state to themselves — the thread count (exact resume) or the
/// global RNG (GAN resume replays RNG states) — run here, one at a time, after the parallel collections.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RecognitionCollection
{
    public const string Name = "Recognition (torch threads)";
}
