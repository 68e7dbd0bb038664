using FaceBoost.Runtime;
using TorchSharp;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace FaceBoost.Synthesis;

/// <summary>One resolution of the synthesis network: (const | up-conv0) → conv1 → toRGB, image summed
/// through upsampled skips. Uses NumConv + 1 consecutive ws; the toRGB w is shared with the next block's conv0.</summary>
public sealed class SynthesisBlock : nn.Module<Tensor, Tensor>
{
    private readonly Parameter? @const;
    private readonly SynthesisLayer? conv0;
    private readonly SynthesisLayer conv1;
    private readonly ToRgbLayer torgb;

    public int Resolution { get; }
    public int NumConv => conv0 is null ? 1 : 2;

    public SynthesisBlock(string name, int inChannels, int outChannels, int wDim, int resolution) : base(name)
    {
        Resolution = resolution;
        if (inChannels == 0)
        {
            @const = new Parameter(randn(outChannels, resolution, resolution));
            register_parameter("const", @const);
        }
        else
        {
            conv0 = new SynthesisLayer("conv0", inChannels, outChannels, wDim, resolution, up: true);
            register_module("conv0", conv0);
        }
        conv1 = new SynthesisLayer("conv1", outChannels, outChannels, wDim, resolution, up: false);
        register_module("conv1", conv1);
        torgb = new ToRgbLayer("torgb", outChannels, wDim);
        register_module("torgb", torgb);
    }

    public override Tensor forward(Tensor x) => throw new NotSupportedException("call Forward(x, img, ws, noise)");

    /// <param name="ws">N×(NumConv+1)×WDim</param>
    public (Tensor X, Tensor Img) Forward(Tensor? x, Tensor? img, Tensor ws, NoiseMode noise)
    {
        using var scope = NewDisposeScope();
        var n = ws.shape[0];
        var k = 0;
        if (@const is not null)
        {
            x = @const.unsqueeze(0).repeat(n, 1, 1, 1);
            x = conv1.Forward(x, ws.select(1, k++), noise);
        }
        else
        {
            x = conv0!.Forward(x!, ws.select(1, k++), noise);
            x = conv1.Forward(x, ws.select(1, k++), noise);
        }
        var y = torgb.Forward(x, ws.select(1, k));
        img = img is null ? y : Resampling.Upsample2x(img).add(y, Scalars.One);
        return (x.MoveToOuterDisposeScope(), img.MoveToOuterDisposeScope());
    }
}
