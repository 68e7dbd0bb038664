using FaceBoost.Nets;
using static TorchSharp.torch;

namespace FaceBoost.Training;

/// <summary>Initialises a recognition backbone from another model's checkpoint (`train --init-from`): the
/// pSp encoder transfer of issue 6 implements it. Public implementations with a parameterless constructor in
/// FaceBoost.Core are discovered by <see cref="BackboneInitializers"/>.</summary>
public interface IBackboneInitializer
{
    string Description { get; }
    bool CanInitialize(string path);
    /// <summary>Copies weights into <paramref name="backbone"/> (strictly, shapes checked) and returns the
    /// average image (3×S×S, normalised like the training data) for a 6-channel backbone, else null.</summary>
    Tensor? Initialize(string path, FaceBackbone backbone, (float Mean, float Std) normalization);
}

public static class BackboneInitializers
{
    private static readonly Lock Gate = new();
    private static readonly List<IBackboneInitializer> Registered = [];

    public static void Register(IBackboneInitializer initializer)
    {
        lock (Gate) Registered.Insert(0, initializer);
    }

    public static IReadOnlyList<IBackboneInitializer> All
    {
        get
        {
            var discovered = typeof(IBackboneInitializer).Assembly.GetTypes()
                .Where(t => typeof(IBackboneInitializer).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false, IsPublic: true }
                            && t.GetConstructor(Type.EmptyTypes) != null)
                .OrderBy(t => t.FullName, StringComparer.Ordinal)
                .Select(t => (IBackboneInitializer)Activator.CreateInstance(t)!);
            lock (Gate) return [.. Registered, .. discovered];
        }
    }

    public static IBackboneInitializer Find(string path)
    {
        if (!File.Exists(path) && !Directory.Exists(path)) throw new FileNotFoundException($"--init-from '{path}' does not exist", path);
        var all = All;
        if (all.Count == 0)
            throw new NotSupportedException($"--init-from '{path}': no backbone initializer is available in this build " +
                                            "(the pSp encoder transfer, `IBackboneInitializer`, comes with the encoder stage)");
        return all.FirstOrDefault(i => i.CanInitialize(path))
               ?? throw new NotSupportedException($"--init-from '{path}' is not a recognised model; supported: {string.Join("; ", all.Select(i => i.Description))}");
    }
}
