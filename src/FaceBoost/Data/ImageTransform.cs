using FaceBoost.Imaging;

namespace FaceBoost.Data;

/// <summary>The per-image pipeline of the loader: optional resize (shorter side to <see cref="ResizeTo"/>, aspect
/// kept), then a <see cref="Size"/>×<see cref="Size"/> crop — random (<see cref="RandomCrop"/>), centred
/// (<see cref="CenterCrop"/>), or, with neither, a plain resize to Size×Size — then a horizontal flip with
/// probability <see cref="HorizontalFlip"/>; tensors are normalised with (x − Mean) / Std.
/// Randomness is a pure function of (seed, epoch, sample index), so a batch never depends on which worker
/// thread built it.</summary>
public sealed record ImageTransform
{
    public int Size { get; init; } = 112;
    public int? ResizeTo { get; init; }
    public bool CenterCrop { get; init; }
    public bool RandomCrop { get; init; }
    public double HorizontalFlip { get; init; }
    public bool Grey { get; init; }
    public float Mean { get; init; } = 0.5f;
    public float Std { get; init; } = 0.5f;

    /// <summary>The paper's training augmentation: resize to <paramref name="resizeTo"/> (128), random crop
    /// <paramref name="size"/> (112), flip with probability 0.5.</summary>
    public static ImageTransform Train(int size = 112, int resizeTo = 128, double flip = 0.5) =>
        new() { Size = size, ResizeTo = resizeTo, RandomCrop = true, HorizontalFlip = flip };

    /// <summary>The deterministic evaluation counterpart: resize to <paramref name="resizeTo"/>, centre crop.</summary>
    public static ImageTransform Eval(int size = 112, int? resizeTo = 128) =>
        new() { Size = size, ResizeTo = resizeTo, CenterCrop = true };

    /// <summary>Just resize to Size×Size (for already aligned crops, e.g. 112×112 faces or GAN outputs).</summary>
    public static ImageTransform Plain(int size = 112) => new() { Size = size };

    public void Validate()
    {
        if (Size <= 0) throw new ArgumentOutOfRangeException(nameof(Size), $"{Size}: must be positive");
        if (ResizeTo is <= 0) throw new ArgumentOutOfRangeException(nameof(ResizeTo), $"{ResizeTo}: must be positive");
        if (HorizontalFlip is < 0 or > 1 || double.IsNaN(HorizontalFlip)) throw new ArgumentOutOfRangeException(nameof(HorizontalFlip), $"{HorizontalFlip}: a probability");
        if (Std == 0) throw new ArgumentOutOfRangeException(nameof(Std), "must not be 0");
    }

    /// <summary>Applies the pipeline. Random choices come from (seed, epoch, sampleIndex) only.</summary>
    public RgbImage Apply(RgbImage img, long seed, long epoch, long sampleIndex) =>
        Apply(img, new SeededRandom(seed, epoch, sampleIndex, 0x7A5F));

    /// <summary>Applies the pipeline; with a null <paramref name="rng"/> random crops are centred and nothing is flipped.</summary>
    public RgbImage Apply(RgbImage img, SeededRandom? rng)
    {
        ArgumentNullException.ThrowIfNull(img);
        if (ResizeTo is int r) img = ImageOps.ResizeShorterSide(img, r);
        if (RandomCrop && rng != null)
        {
            img = ImageOps.EnsureAtLeast(img, Size, Size);
            int x = rng.NextInt(img.Width - Size + 1), y = rng.NextInt(img.Height - Size + 1);
            img = ImageOps.Crop(img, x, y, Size, Size);
        }
        else if (CenterCrop || RandomCrop) img = ImageOps.CenterCrop(img, Size, Size);
        else if (img.Width != Size || img.Height != Size) img = ImageOps.Resize(img, Size, Size);
        // Draw the flip coin even when p is 0 or 1, so changing p never shifts other random choices.
        if (rng != null && rng.NextDouble() < HorizontalFlip) img = ImageOps.FlipHorizontal(img);
        if (Grey) img = ImageOps.ToGrey(img);
        return img;
    }
}
