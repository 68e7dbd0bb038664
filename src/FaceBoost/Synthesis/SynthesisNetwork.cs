using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Synthesis;

/// <summary>ws (N×NumWs×WDim) → image N×3×R×R: blocks b4, b8, …, bR with the skip (toRGB sum) architecture.</summary>
public sealed class SynthesisNetwork : nn.Module<Tensor, Tensor>
{
    private readonly List<SynthesisBlock> _blocks = new();
    private readonly GeneratorOptions _o;

    public SynthesisNetwork(GeneratorOptions o) : base("synthesis")
    {
        _o = o;
        for (var res = 4; res <= o.Resolution; res *= 2)
        {
            var inCh = res == 4 ? 0 : o.ChannelsAt(res / 2);
            var block = new SynthesisBlock($"b{res}", inCh, o.ChannelsAt(res), o.WDim, res);
            _blocks.Add(block);
            register_module($"b{res}", block);
        }
    }

    public override Tensor forward(Tensor ws) => Forward(ws, NoiseMode.Const);

    public Tensor Forward(Tensor ws, NoiseMode noise)
    {
        if (ws.dim() != 3 || ws.shape[1] != _o.NumWs || ws.shape[2] != _o.WDim)
            throw new ArgumentException($"synthesis expects ws of shape N×{_o.NumWs}×{_o.WDim}, got {string.Join('×', ws.shape)}");
        using var scope = NewDisposeScope();
        Tensor? x = null, img = null;
        var wIdx = 0;
        foreach (var b in _blocks)
        {
            (x, img) = b.Forward(x, img, ws.narrow(1, wIdx, b.NumConv + 1), noise);
            wIdx += b.NumConv;
        }
        return img!.MoveToOuterDisposeScope();
    }
}
