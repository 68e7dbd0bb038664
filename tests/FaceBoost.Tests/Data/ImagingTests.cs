using FaceBoost.Data;
using FaceBoost.Imaging;

namespace FaceBoost.Tests.Data;

public sealed class ImagingTests
{
    private static RgbImage Ramp(int w, int h)
    {
        var img = new RgbImage(w, h);
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) img[c, y, x] = (c * 100 + y * w + x) / 400f;
        return img;
    }

    [Fact]
    public void CropCenterCropAndFlipAreExact()
    {
        var img = Ramp(5, 4);
        var crop = ImageOps.Crop(img, 1, 2, 3, 2);
        Assert.Equal(img[1, 2, 1], crop[1, 0, 0]);
        Assert.Equal(img[2, 3, 3], crop[2, 1, 2]);
        var cc = ImageOps.CenterCrop(img, 2, 2); // offsets (1, 1) as torchvision
        Assert.Equal(img[0, 1, 1], cc[0, 0, 0]);
        var flip = ImageOps.FlipHorizontal(img);
        Assert.Equal(img[2, 3, 0], flip[2, 3, 4]);
        Assert.Equal(img.Pixels, ImageOps.FlipHorizontal(flip).Pixels);
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageOps.Crop(img, 3, 0, 3, 1));
    }

    [Fact]
    public void BilinearResizeMatchesPyTorchAlignCornersFalse()
    {
        // 2x1 → 4x1: torch.nn.functional.interpolate([[0, 1]], 4, mode='linear') = [0, .25, .75, 1].
        var img = new RgbImage(2, 1, [0, 1, 0, 1, 0, 1]);
        var up = ImageOps.Resize(img, 4, 1);
        Assert.Equal([0f, 0.25f, 0.75f, 1f], up.Pixels[..4]);
        // Halving a 4-pixel row: plain bilinear averages pairs; antialiased adds neighbours (triangle of width 2).
        var row = new RgbImage(4, 1, [0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3]);
        Assert.Equal([0.5f, 2.5f], ImageOps.Resize(row, 2, 1, antialias: false).Pixels[..2]);
        var aa = ImageOps.Resize(row, 2, 1).Pixels;
        Assert.Equal((0 * 0.75 + 1 * 0.75 + 2 * 0.25) / 1.75, aa[0], 5);
        // A constant image stays constant at any scale.
        var flat = new RgbImage(37, 29); Array.Fill(flat.Pixels, 0.3f);
        Assert.All(ImageOps.Resize(flat, 8, 7).Pixels, v => Assert.Equal(0.3f, v, 5));
        Assert.All(ImageOps.Resize(flat, 80, 70).Pixels, v => Assert.Equal(0.3f, v, 5));
        Assert.Equal((64, 128), (ImageOps.ResizeShorterSide(new RgbImage(50, 100), 64).Width, ImageOps.ResizeShorterSide(new RgbImage(50, 100), 64).Height));
    }

    [Fact]
    public void TensorRoundTripAndGrid()
    {
        var imgs = new[] { Ramp(6, 4), ImageOps.FlipHorizontal(Ramp(6, 4)) };
        using var t = TensorImages.ToSignedTensor(imgs);
        Assert.Equal(new long[] { 2, 3, 4, 6 }, t.shape);
        Assert.Equal((imgs[0][1, 2, 3] - 0.5f) / 0.5f, t[0, 1, 2, 3].item<float>(), 6);
        var back = TensorImages.FromSignedTensor(t);
        for (int i = 0; i < 2; i++)
            for (int k = 0; k < imgs[i].Pixels.Length; k++) Assert.Equal(imgs[i].Pixels[k], back[i].Pixels[k], 5);
        var grid = ImageGrid.Compose(back, columns: 1, padding: 2);
        Assert.Equal((10, 14), (grid.Width, grid.Height));
        Assert.Equal(imgs[1][0, 0, 0], grid[0, 2 + 4 + 2, 2], 5);
        using var tmp = new TempDir();
        ImageGrid.SavePng(t, tmp["grid.png"], columns: 2);
        Assert.Equal((18, 8), (ImageDecoder.Decode(tmp["grid.png"]).Width, ImageDecoder.Decode(tmp["grid.png"]).Height));
    }

    [Fact]
    public void TransformRandomnessIsAFunctionOfSeedEpochAndIndex()
    {
        var t = ImageTransform.Train(size: 8, resizeTo: 12);
        var img = Ramp(20, 16);
        var a = t.Apply(img, seed: 1, epoch: 0, sampleIndex: 5);
        Assert.Equal((8, 8), (a.Width, a.Height));
        Assert.Equal(a.Pixels, t.Apply(img, 1, 0, 5).Pixels);
        var outs = Enumerable.Range(0, 20).Select(i => t.Apply(img, 1, i, 5).Pixels).ToList();
        Assert.True(outs.Skip(1).Any(o => !o.SequenceEqual(outs[0])), "crops/flips vary across epochs");
        var eval = ImageTransform.Eval(size: 8, resizeTo: 12).Apply(img, null);
        Assert.Equal(ImageOps.CenterCrop(ImageOps.ResizeShorterSide(img, 12), 8, 8).Pixels, eval.Pixels);
    }
}
