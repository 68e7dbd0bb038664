using FaceBoost.Evaluation;

namespace FaceBoost.Training;

/// <summary>Opens any supported model file (ONNX, FaceBoost checkpoints, ...) as an <see cref="IFaceEmbedder"/>.
/// Providers are the built-in ones listed here (it sits on the Training floor because FaceBoost checkpoints are
/// Training's) after any registered at run time; the first whose <see cref="IEmbedderProvider.CanOpen"/> says yes
/// opens the file.</summary>
public static class EmbedderFactory
{
    private static readonly Lock Gate = new();
    private static readonly List<IEmbedderProvider> Registered = [];
    // The ONNX provider goes last so that a checkpoint provider may claim anything it wants first.
    public static IReadOnlyList<IEmbedderProvider> BuiltIn { get; } = [new CheckpointEmbedderProvider(), new OnnxEmbedderProvider()];

    /// <summary>Adds a provider; it is consulted before the built-in ones.</summary>
    public static void Register(IEmbedderProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        lock (Gate) Registered.Insert(0, provider);
    }

    /// <summary>Adds a provider from two delegates, e.g.
    /// <c>Register(p =&gt; p.EndsWith(".pt"), (p, o) =&gt; new CheckpointEmbedder(p), "FaceBoost checkpoint (*.pt)")</c>.</summary>
    public static void Register(Func<string, bool> canOpen, Func<string, EmbedderOptions, IFaceEmbedder> open, string description)
        => Register(new DelegateProvider(canOpen, open, description));

    public static IReadOnlyList<IEmbedderProvider> Providers
    {
        get { lock (Gate) return [.. Registered, .. BuiltIn]; }
    }

    /// <summary>Opens <paramref name="path"/> with the first provider that accepts it.</summary>
    /// <exception cref="FileNotFoundException">the file or folder does not exist.</exception>
    /// <exception cref="NotSupportedException">no provider recognises it; the message lists what is supported.</exception>
    public static IFaceEmbedder Open(string path, EmbedderOptions? options = null)
    {
        options ??= new EmbedderOptions();
        if (!File.Exists(path) && !Directory.Exists(path))
            throw new FileNotFoundException($"model '{path}' does not exist", path);
        var providers = Providers;
        foreach (var p in providers)
            if (p.CanOpen(path)) return p.Open(path, options);
        throw new NotSupportedException(
            $"model '{path}' is not a recognised format; supported: {string.Join("; ", providers.Select(p => p.Description))}");
    }

    private sealed class DelegateProvider(Func<string, bool> canOpen, Func<string, EmbedderOptions, IFaceEmbedder> open, string description)
        : IEmbedderProvider
    {
        public string Description => description;
        public bool CanOpen(string path) => canOpen(path);
        public IFaceEmbedder Open(string path, EmbedderOptions options) => open(path, options);
    }
}
