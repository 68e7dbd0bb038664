namespace FaceBoost.Imaging;

/// <summary>An RGB image as planar float32 CHW in [0, 1]; the one in-memory image type of FaceBoost.</summary>
public sealed class RgbImage
{
    public int Width { get; }
    public int Height { get; }
    /// <summary>3·H·W values: the R plane, then G, then B.</summary>
    public float[] Pixels { get; }

    public RgbImage(int width, int height, float[]? pixels = null)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"image size {width}x{height} is not positive");
        pixels ??= new float[3 * width * height];
        if (pixels.Length != 3 * width * height)
            throw new ArgumentException($"expected {3 * width * height} values for {width}x{height} RGB, got {pixels.Length}", nameof(pixels));
        Width = width; Height = height; Pixels = pixels;
    }

    public int PlaneSize => Width * Height;

    public float this[int channel, int y, int x]
    {
        get => Pixels[channel * PlaneSize + y * Width + x];
        set => Pixels[channel * PlaneSize + y * Width + x] = value;
    }
}
