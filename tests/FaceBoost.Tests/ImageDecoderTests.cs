using FaceBoost.Imaging;

namespace FaceBoost.Tests;

public sealed class ImageDecoderTests
{
    [SkippableFact]
    public void DecodesOrlPgmAsGreyRgb()
    {
        var img = ImageDecoder.Decode(SharedData.Require("data", "orl", "s1", "1.pgm"));
        Assert.Equal((92, 112), (img.Width, img.Height));
        Assert.Equal(img[0, 50, 40], img[1, 50, 40]);
        Assert.Equal(img[0, 50, 40], img[2, 50, 40]);
        Assert.InRange(img.Pixels.Average(), 0.1, 0.9);
    }

    [SkippableFact]
    public void DecodesCelebaJpegAsColour()
    {
        var dir = SharedData.Require("data", "celeba-dev", "images");
        var img = ImageDecoder.Decode(Directory.GetFiles(dir, "*.jpg").Order().First());
        Assert.True(img.Width > 100 && img.Height > 100);
        int plane = img.PlaneSize;
        double diff = 0;
        for (int i = 0; i < plane; i++) diff += Math.Abs(img.Pixels[i] - img.Pixels[2 * plane + i]);
        Assert.True(diff / plane > 0.01, "red and blue planes should differ in a colour photo");
    }

    [Fact]
    public void PngRoundTripIsExactAndFormatIsSniffedWithoutExtension()
    {
        var img = new RgbImage(5, 4);
        var rng = new Random(1);
        for (int i = 0; i < img.Pixels.Length; i++) img.Pixels[i] = rng.Next(256) / 255f;
        var path = Path.Combine(Path.GetTempPath(), $"fb-{Guid.NewGuid():N}.noext");
        try
        {
            ImageWriter.Save(img, path); // not .jpg → PNG
            var back = ImageDecoder.Decode(path);
            Assert.Equal(img.Pixels, back.Pixels);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void CorruptFileGivesClearErrorNamingIt()
    {
        var path = Path.Combine(Path.GetTempPath(), $"fb-{Guid.NewGuid():N}.jpg");
        File.WriteAllBytes(path, [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3]);
        try
        {
            var ex = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(path));
            Assert.Contains(path, ex.Message);
        }
        finally { File.Delete(path); }
    }
}
