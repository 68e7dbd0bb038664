using FaceBoost.Runtime;
using FaceBoost.Nets;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Training;

/// <summary>Stage 3's start (`faceboost train --init-from ENCODER`): copies the encoder's `input_layer`
/// (6-channel) and `body` into an IR/IR-SE recognition backbone, strictly — every tensor matched by name,
/// shapes checked, one error listing all mismatches. The style head is dropped; the backbone keeps its own
/// new head (BN2d → Dropout → Flatten → Linear → BN1d). Returns the encoder's average image, which the
/// recognition model concatenates to every input (training and evaluation alike).</summary>
public sealed class EncoderTransfer : IBackboneInitializer
{
    public string Description => "FaceBoost pSp encoder checkpoint (.fbck or run folder from `faceboost train-encoder`)";

    /// <summary>An encoder checkpoint or run folder (a retired .fbenc file is claimed too, so loading it says what to do).</summary>
    public bool CanInitialize(string path) =>
        path.EndsWith(".fbenc", StringComparison.OrdinalIgnoreCase) ? File.Exists(path) : CheckpointKind.Of(path) == EncoderCheckpoint.Kind;

    /// <returns>The average image, 3×S×S at the backbone's input size, normalised as (pixel01 − mean)/std.</returns>
    public Tensor? Initialize(string path, FaceBackbone backbone, (float Mean, float Std) normalization, int stages = 4)
    {
        using var ck = EncoderCheckpoint.Load(path);
        CopyInto(ck, backbone, path, stages);
        return AverageImageFor(ck.AverageImage, backbone.InputSize, normalization);
    }

    /// <summary>The strict copy of input_layer.* and body.* (backbone must be 6-channel, same depth, mode and width);
    /// with <paramref name="stages"/> &lt; 4 only the input layer and the body units of the first that many stages
    /// (the rest keep the backbone's fresh initialisation).</summary>
    public static void CopyInto(EncoderCheckpoint ck, FaceBackbone backbone, string what = "encoder checkpoint", int stages = 4)
    {
        if (stages is < 0 or > 4) throw new ArgumentOutOfRangeException(nameof(stages), stages, "transfer stages must be in [0, 4]");
        if (backbone is not IrseBackbone irse)
            throw new InvalidDataException($"{what}: an encoder body transfers only into an IR/IR-SE backbone, not {backbone.GetName()}");
        var e = ck.Info.Encoder;
        var problems = new List<string>();
        if (backbone.InputChannels != PspEncoderOptions.InputChannels) problems.Add($"backbone has {backbone.InputChannels} input channels, the encoder 6 (image ⊕ average image): use --input-channels 6");
        if (irse.NumLayers != e.NumLayers) problems.Add($"depth: encoder {e.NumLayers}, backbone {irse.NumLayers}");
        if (irse.SqueezeExcite != (e.Mode == "ir_se")) problems.Add($"mode: encoder {e.Mode}, backbone {(irse.SqueezeExcite ? "ir_se" : "ir")}");
        if (irse.Options.BaseWidth != e.Width) problems.Add($"width: encoder {e.Width}, backbone {irse.Options.BaseWidth}");
        if (problems.Count > 0) throw new InvalidDataException($"{what}: the encoder does not fit this backbone:\n  " + string.Join("\n  ", problems));
        StateDictCopy.Strict(backbone, ck.EncoderState, what, k => Copies(k, irse.NumLayers, stages));
    }

    /// <summary>Whether a transfer of <paramref name="stages"/> stages takes key <paramref name="key"/>: input_layer.* and
    /// body.* up to that stage. A body key that names no unit of this depth is taken too, so the strict copy reports it
    /// as unexpected instead of skipping it.</summary>
    public static bool Copies(string key, int numLayers, int stages) =>
        PspEncoder.TransferPrefixes.Any(p => key.StartsWith(p, StringComparison.Ordinal)) && !(IrseBackbone.StageOfKey(key, numLayers) > stages);

    /// <summary>[-1, 1] 1×3×s×s → 3×S×S normalised like the recognition data.</summary>
    public static Tensor AverageImageFor(Tensor average, int size, (float Mean, float Std) normalization)
    {
        using var scope = NewDisposeScope();
        var resized = GeneratorInversion.ToSize(average.reshape(1, 3, average.shape[^2], average.shape[^1]), size);
        using var mean = normalization.Mean.ToScalar();
        using var std = normalization.Std.ToScalar();
        var pixel01 = resized.add(Scalars.One, Scalars.One).div(Scalars.Two);
        return pixel01.sub(mean).div(std)[0].contiguous().MoveToOuterDisposeScope();
    }
}
