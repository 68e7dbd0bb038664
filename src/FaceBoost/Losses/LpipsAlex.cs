using FaceBoost.Runtime;
using System.Collections;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.PyBridge;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace FaceBoost.Losses;

/// <summary>LPIPS with the AlexNet trunk (Zhang et al. 2018), laid out as the `lpips` PyTorch package so
/// its state dict (net.sliceK.I.*, linK.model.1.weight) loads by name. FaceBoost ships no weights: the
/// user supplies them (the paper's perceptual term, weight 0.8). Inputs are images in [-1, 1].</summary>
public sealed class LpipsAlex : Module<Tensor, Tensor, Tensor>
{
    private static readonly int[] Channels = [64, 192, 384, 256, 256];

    private readonly Sequential slice1, slice2, slice3, slice4, slice5;
    private readonly LpipsLinear lin0, lin1, lin2, lin3, lin4;
    private readonly Tensor shift, scale;

    public LpipsAlex() : base("LpipsAlex")
    {
        // Module names are torchvision AlexNet.features indices, as lpips.pretrained_networks.alexnet slices them.
        slice1 = nn.Sequential(("0", nn.Conv2d(3, 64, 11, stride: 4, padding: 2)), ("1", nn.ReLU()));
        slice2 = nn.Sequential(("2", nn.MaxPool2d(3, 2)), ("3", nn.Conv2d(64, 192, 5, padding: 2)), ("4", nn.ReLU()));
        slice3 = nn.Sequential(("5", nn.MaxPool2d(3, 2)), ("6", nn.Conv2d(192, 384, 3, padding: 1)), ("7", nn.ReLU()));
        slice4 = nn.Sequential(("8", nn.Conv2d(384, 256, 3, padding: 1)), ("9", nn.ReLU()));
        slice5 = nn.Sequential(("10", nn.Conv2d(256, 256, 3, padding: 1)), ("11", nn.ReLU()));
        lin0 = new LpipsLinear(Channels[0]); lin1 = new LpipsLinear(Channels[1]); lin2 = new LpipsLinear(Channels[2]);
        lin3 = new LpipsLinear(Channels[3]); lin4 = new LpipsLinear(Channels[4]);
        using (var s = tensor(new float[] { -.030f, -.088f, -.188f })) shift = s.reshape(1, 3, 1, 1).clone(); // held while read;
        using (var s = tensor(new float[] { .458f, .448f, .450f })) scale = s.reshape(1, 3, 1, 1).clone();    // a clone owns its storage
        RegisterComponents();
        // The `net` prefix of the lpips package: a wrapper level we name explicitly when loading.
    }

    /// <summary>Per-image distance, shape N.</summary>
    public override Tensor forward(Tensor x, Tensor y)
    {
        ShapeGuard.SameImages(x, y, "LPIPS");
        if (x.shape[1] != 3) throw new ArgumentException($"LPIPS needs 3-channel images, got {x.shape[1]}");
        if (Math.Min(x.shape[2], x.shape[3]) < 32) throw new ArgumentException($"LPIPS-AlexNet needs images of at least 32 px, got {x.shape[2]}×{x.shape[3]}");
        var fx = Features((x - shift.to(x.device)) / scale.to(x.device));
        var fy = Features((y - shift.to(y.device)) / scale.to(y.device));
        LpipsLinear[] lins = [lin0, lin1, lin2, lin3, lin4];
        Tensor? total = null;
        for (var k = 0; k < 5; k++)
        {
            var d = (Unit(fx[k]) - Unit(fy[k])).pow(Scalars.Two);
            var term = lins[k].forward(d).mean(new long[] { 1, 2, 3 });
            total = total is null ? term : total.add(term, Scalars.One);
        }
        return total!;
    }

    private Tensor[] Features(Tensor x)
    {
        var h1 = slice1.forward(x);
        var h2 = slice2.forward(h1);
        var h3 = slice3.forward(h2);
        var h4 = slice4.forward(h3);
        var h5 = slice5.forward(h4);
        return [h1, h2, h3, h4, h5];
    }

    private static readonly Scalar NormFloor = 1e-10.ToScalar();

    private static Tensor Unit(Tensor f) => f / f.pow(Scalars.Two).sum(1, keepdim: true).sqrt().add(NormFloor, Scalars.One);

    /// <summary>Loads PyTorch state dicts (torch.save of an lpips.LPIPS(net='alex') state_dict, or its
    /// trunk and lin weights in separate files). Every trunk and lin tensor must be present with the
    /// right shape; the package's duplicate `lins.K.*` keys and unknown extras are ignored.</summary>
    public static LpipsAlex Load(params string[] paths)
    {
        if (paths.Length == 0) throw new ArgumentException("LPIPS: no weight files given");
        var model = new LpipsAlex();
        var wanted = model.named_parameters().ToDictionary(p => ExternalName(p.name), p => p.parameter);
        var found = new HashSet<string>();
        using (no_grad())
        {
            foreach (var path in paths)
            {
                if (!File.Exists(path)) throw new FileNotFoundException($"LPIPS weights not found: {path}", path);
                Hashtable dict;
                try
                {
                    using var stream = File.OpenRead(path);
                    dict = PyTorchUnpickler.UnpickleStateDict(stream);
                }
                catch (Exception ex) when (ex is not FileNotFoundException)
                {
                    throw new InvalidDataException($"LPIPS weights {path}: not a PyTorch state dict ({ex.Message})", ex);
                }
                foreach (DictionaryEntry e in dict)
                {
                    var key = ((string)e.Key).Replace("module.", "");
                    if (!wanted.TryGetValue(key, out var target) || e.Value is not Tensor source) continue;
                    if (!source.shape.SequenceEqual(target.shape))
                        throw new InvalidDataException($"LPIPS weights {path}: {key} has shape [{string.Join(",", source.shape)}], expected [{string.Join(",", target.shape)}]");
                    using var converted = source.to(target.dtype); // held while copy_ reads it
                    target.copy_(converted);
                    found.Add(key);
                }
            }
        }
        var missing = wanted.Keys.Where(k => !found.Contains(k)).ToList();
        if (missing.Count > 0)
            throw new InvalidDataException($"LPIPS weights ({string.Join(", ", paths)}) lack {missing.Count} tensors: {string.Join(", ", missing)}");
        foreach (var p in model.parameters()) p.requires_grad = false;
        model.eval();
        return model;
    }

    /// <summary>Our parameter name → the lpips package's state-dict key.</summary>
    private static string ExternalName(string name) => name.StartsWith("slice") ? "net." + name : name;
}

/// <summary>lpips.NetLinLayer: Dropout then a bias-free 1×1 conv to one channel (keys model.1.weight).</summary>
internal sealed class LpipsLinear : Module<Tensor, Tensor>
{
    private readonly Sequential model;

    public LpipsLinear(int channels) : base("NetLinLayer")
    {
        model = nn.Sequential(("0", nn.Dropout()), ("1", nn.Conv2d(channels, 1, 1, bias: false)));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => model.forward(x);
}
