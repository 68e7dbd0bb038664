using FaceBoost.Cli;
using FaceBoost.Evaluation;
using FaceBoost.Training;

namespace FaceBoost.Tests;

/// <summary>The verbs, embedder providers and backbone initializers are explicit lists (no reflection at run time);
/// these tests catch an implementation that was written but not listed.</summary>
public sealed class RegistryTests
{
    private static IEnumerable<string> Implementations<T>(Type inAssemblyOf) =>
        inAssemblyOf.Assembly.GetTypes()
            .Where(t => typeof(T).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false, IsPublic: true })
            .Select(t => t.FullName!).Order(StringComparer.Ordinal);

    private static IEnumerable<string> Listed<T>(IEnumerable<T> items) =>
        items.Select(i => i!.GetType().FullName!).Order(StringComparer.Ordinal);

    [Fact]
    public void EveryVerbIsListed() =>
        Assert.Equal(Implementations<IVerb>(typeof(Program)), Listed(Program.Verbs));

    [Fact]
    public void EveryEmbedderProviderIsListedWithOnnxLast()
    {
        Assert.Equal(Implementations<IEmbedderProvider>(typeof(EmbedderFactory)), Listed(EmbedderFactory.BuiltIn));
        Assert.IsType<OnnxEmbedderProvider>(EmbedderFactory.Providers[^1]); // registered ones go first
    }

    [Fact]
    public void EveryBackboneInitializerIsListed() =>
        Assert.Equal(Implementations<IBackboneInitializer>(typeof(BackboneInitializers)), Listed(BackboneInitializers.All));
}
