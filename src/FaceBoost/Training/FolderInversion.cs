using FaceBoost.Runtime;
using System.Globalization;
using System.Text;
using FaceBoost.Losses;
using FaceBoost.Nets;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Training;

/// <param name="Iterations">ReStyle passes; 0 = as recorded in the checkpoint.</param>
public sealed record InversionRequest(string EncoderCheckpoint, string? GeneratorCheckpoint, string InputFolder, string OutputFolder,
    int Iterations = 0, int MaxImages = 0, int Batch = 16);

public sealed record InversionReport(int Count, double MeanL2, double MeanMsSsim, string Csv, string Grid, IReadOnlyList<(string File, string Reason)> Skipped);

/// <summary>Backs `faceboost invert`: reconstructions of a folder, per-image errors to errors.csv, a grid PNG.</summary>
public static class FolderInversion
{
    public static InversionReport Run(InversionRequest r)
    {
        using var ck = EncoderCheckpoint.Load(r.EncoderCheckpoint);
        var generatorPath = r.GeneratorCheckpoint ?? ck.Info.GeneratorCheckpoint
            ?? throw new ArgumentException($"{r.EncoderCheckpoint} records no generator; pass --generator");
        using var g = GanCheckpoint.LoadFrozen(generatorPath, EncoderSettings.NoiseModeOf(ck.Info.InversionNoise));
        using var encoder = ck.CreateEncoder();
        return Run(r, ck, encoder, g);
    }

    public static InversionReport Run(InversionRequest r, EncoderCheckpoint ck, PspEncoder encoder, ILatentGenerator g)
    {
        encoder.eval();
        var size = encoder.Options.InputSize;
        var iterations = r.Iterations > 0 ? r.Iterations : ck.Info.Iterations;
        using var faces = FaceTensorSet.FromFolder(r.InputFolder, size, r.MaxImages);
        Directory.CreateDirectory(r.OutputFolder);
        var csv = new StringBuilder("file,l2,ms_ssim\n");
        double sumL2 = 0, sumSsim = 0;
        Tensor? firstInputs = null, firstRecon = null;
        using (no_grad())
        {
            for (long start = 0; start < faces.Count; start += r.Batch)
            {
                using var scope = NewDisposeScope();
                var images = faces.Images[TensorIndex.Slice(start, Math.Min(faces.Count, start + r.Batch))];
                var (_, recon) = GeneratorInversion.Invert(encoder, g, images, ck.AverageImage, iterations);
                recon = recon.clamp(Scalars.MinusOne, Scalars.One);
                var l2 = (recon - images).pow(Scalars.Two).mean(new long[] { 1, 2, 3 });
                var ssim = MsSsim.PerImage(recon, images);
                var l2s = l2.data<float>().ToArray();
                var ssims = ssim.data<float>().ToArray();
                for (var i = 0; i < l2s.Length; i++)
                {
                    var file = Path.GetRelativePath(r.InputFolder, faces.Files[(int)start + i]);
                    csv.Append(CultureInfo.InvariantCulture, $"\"{file.Replace("\"", "\"\"")}\",{l2s[i]:G6},{ssims[i]:G6}\n");
                    sumL2 += l2s[i]; sumSsim += ssims[i];
                }
                if (firstInputs is null)
                {
                    firstInputs = images.clone().DetachFromDisposeScope();
                    firstRecon = recon.clone().DetachFromDisposeScope();
                }
            }
        }
        var csvPath = Path.Combine(r.OutputFolder, "errors.csv");
        AtomicFile.WriteAllText(csvPath, csv.ToString());
        var gridPath = Path.Combine(r.OutputFolder, "reconstructions.png");
        ReconstructionGrid.Save(firstInputs!, ck.AverageImage, firstRecon!, gridPath, maxRows: 16);
        firstInputs!.Dispose(); firstRecon!.Dispose();
        var n = (int)faces.Count;
        return new InversionReport(n, sumL2 / n, sumSsim / n, csvPath, gridPath, faces.Skipped);
    }
}
