namespace FaceBoost.Tests.Recognition;

/// <summary>Recognition tests share libtorch's global thread count and the exact-resume test needs it fixed
/// for a whole run, so they run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RecognitionCollection
{
    public const string Name = "Recognition (torch threads)";
}
