using FaceBoost.Nets;
using FaceBoost.Training;

namespace FaceBoost.Interop;

/// <summary>Turns an insightface `backbone.pth` into a FaceBoost recognition checkpoint (.fbck) that
/// `faceboost eval` and <see cref="CheckpointEmbedder"/> open: header (backbone options, insightface
/// normalisation (x − 0.5)/0.5 on [0, 1] pixels, no classes/head) + "model.*" tensors.</summary>
public static class InsightfaceCheckpointImport
{
    public static StateDictReport ToCheckpoint(string backbonePth, BackboneOptions options, string outputPath)
    {
        var depth = ParseDepth(options.Name);
        using var model = new IResNet(depth, options);
        var report = IResNetWeights.ImportInsightface(backbonePth, model);
        var header = new CheckpointHeader { Backbone = options, NormalizeMean = 0.5f, NormalizeStd = 0.5f, NumClasses = 0 };
        var full = Path.GetFullPath(outputPath);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        RecognitionCheckpoint.Write(full, header, RecognitionCheckpoint.StateOf(model, "model."));
        return report;
    }

    public static int ParseDepth(string arch) =>
        arch.StartsWith("iresnet", StringComparison.Ordinal) && int.TryParse(arch.AsSpan("iresnet".Length), out var d)
            ? d
            : throw new ArgumentException($"architecture '{arch}': only insightface iresnet18/34/50/100/200 are supported");
}
