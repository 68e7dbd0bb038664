using FaceBoost.Faces;

namespace FaceBoost.Tests.Faces;

public sealed class ArcFaceTemplateTests
{
    [Fact]
    public void Size_112_without_margin_is_insightfaces_template()
    {
        var p = ArcFaceTemplate.Points(112);
        Assert.Equal(38.2946f, p[0].X, 3); Assert.Equal(51.6963f, p[0].Y, 3);
        Assert.Equal(70.7299f, p[4].X, 3); Assert.Equal(92.2041f, p[4].Y, 3);
    }

    [Theory]
    [InlineData(128)]
    [InlineData(64)]
    [InlineData(32)]
    public void Other_sizes_scale_proportionally(int size)
    {
        var r = ArcFaceTemplate.Points(112);
        var p = ArcFaceTemplate.Points(size);
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(r[i].X * size / 112f, p[i].X, 3);
            Assert.Equal(r[i].Y * size / 112f, p[i].Y, 3);
        }
    }

    [Fact]
    public void Margin_zooms_out_about_the_centre()
    {
        var r = ArcFaceTemplate.Points(112);
        var p = ArcFaceTemplate.Points(112, margin: 0.25f);
        float eyes = r[1].X - r[0].X, eyesM = p[1].X - p[0].X;
        Assert.Equal(eyes / 1.25f, eyesM, 3);
        Assert.Equal((r[2].X - 56) / 1.25f + 56, p[2].X, 3);
    }
}
