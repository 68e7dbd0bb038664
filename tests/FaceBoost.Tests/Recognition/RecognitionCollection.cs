namespace FaceBoost.Tests.Recognition;

/// <summary>Tests that need the process or the machine to themselves run here, one at a time, after the parallel
/// collections: libtorch's thread count (exact resume) or global RNG (GAN resume replays RNG states), child processes
/// under a time limit (kill/resume, mpirun, dotnet build), and the GC storm of the Scalar stress test.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RecognitionCollection
{
    public const string Name = "Recognition (torch threads)";
}
