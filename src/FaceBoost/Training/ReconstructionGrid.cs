using FaceBoost.Imaging;
using static TorchSharp.torch;

namespace FaceBoost.Training;

/// <summary>A PNG of rows "input | average image | reconstruction", the visual check of an encoder.</summary>
public static class ReconstructionGrid
{
    public static void Save(Tensor inputs, Tensor average, Tensor reconstructions, string path, int maxRows = 8)
    {
        var rows = (int)Math.Min(maxRows, inputs.shape[0]);
        var size = (int)inputs.shape[2];
        const int pad = 2;
        var width = 3 * size + 4 * pad;
        var height = rows * size + (rows + 1) * pad;
        var grid = new RgbImage(width, height);
        Array.Fill(grid.Pixels, 1f);
        var avg = TensorImages.SignedToImage(average);
        for (var r = 0; r < rows; r++)
        {
            RgbImage[] cells = [TensorImages.SignedToImage(inputs[r]), avg, TensorImages.SignedToImage(reconstructions[r])];
            for (var c = 0; c < 3; c++)
                Blit(cells[c], grid, pad + c * (size + pad), pad + r * (size + pad));
        }
        ImageWriter.Save(grid, path);
    }

    private static void Blit(RgbImage src, RgbImage dst, int x0, int y0)
    {
        for (var ch = 0; ch < 3; ch++)
            for (var y = 0; y < src.Height; y++)
                Array.Copy(src.Pixels, ch * src.PlaneSize + y * src.Width, dst.Pixels, ch * dst.PlaneSize + (y0 + y) * dst.Width + x0, src.Width);
    }
}
