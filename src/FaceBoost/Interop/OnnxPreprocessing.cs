using System.Globalization;

namespace FaceBoost.Interop;

/// <summary>The input convention an exported model expects, recorded in the ONNX metadata_props so that a
/// consumer (FaceBoost's eval, or anyone) can feed it correctly: pixel values in 0–255, x = (p − Mean) / Std
/// per channel, channels in <see cref="ChannelOrder"/>, NCHW, square <see cref="InputSize"/> aligned faces;
/// <see cref="FlipTest"/> says whether embeddings are meant to be summed with the mirrored image's.</summary>
public sealed record OnnxPreprocessing(int InputSize = 112, float Mean = 127.5f, float Std = 127.5f, string ChannelOrder = "RGB", bool FlipTest = true)
{
    public IEnumerable<(string Key, string Value)> ToMetadata()
    {
        string F(float v) => v.ToString("R", CultureInfo.InvariantCulture);
        yield return ("faceboost.input_size", InputSize.ToString(CultureInfo.InvariantCulture));
        yield return ("faceboost.input_layout", "NCHW");
        yield return ("faceboost.pixel_range", "0-255");
        yield return ("faceboost.mean", $"{F(Mean)},{F(Mean)},{F(Mean)}");
        yield return ("faceboost.std", $"{F(Std)},{F(Std)},{F(Std)}");
        yield return ("faceboost.channel_order", ChannelOrder);
        yield return ("faceboost.flip_test", FlipTest ? "true" : "false");
        yield return ("faceboost.alignment", "insightface arcface 5-point template");
    }
}
