using System.Collections.Concurrent;

namespace FaceBoost.Imaging;

/// <summary>A container of encoded images addressed by path strings that start with <see cref="Scheme"/>
/// (e.g. <c>rec://file.rec#17</c>), so that samples inside it can stand wherever image paths are stored.</summary>
public interface IImageStore
{
    /// <summary>The address prefix, e.g. <c>rec://</c>.</summary>
    string Scheme { get; }

    /// <summary>The encoded image bytes at <paramref name="path"/>; an <see cref="ImageDecodeException"/> naming it otherwise.</summary>
    byte[] ReadBytes(string path);
}

/// <summary>The image stores <see cref="ImageDecoder.Decode(string, int)"/> reads through. A higher floor that hands
/// out store addresses (Interop's rec:// records) registers its store before it does.</summary>
public static class ImageStores
{
    private static readonly ConcurrentDictionary<string, IImageStore> ByScheme = new(StringComparer.Ordinal);

    /// <summary>Registers (or replaces) the store for its scheme; registering the same store again is harmless.</summary>
    public static void Register(IImageStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        ByScheme[store.Scheme] = store;
    }

    /// <summary>The registered store whose scheme starts <paramref name="path"/>, if any.</summary>
    public static IImageStore? Find(string path)
    {
        foreach (var (scheme, store) in ByScheme)
            if (path.StartsWith(scheme, StringComparison.Ordinal)) return store;
        return null;
    }
}
