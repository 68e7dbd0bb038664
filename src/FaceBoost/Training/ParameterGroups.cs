using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FaceBoost.Training;

/// <summary>Splits a module's parameters into decayed and non-decayed ones: BatchNorm weights/biases and all
/// biases get no weight decay (as face.evoLVe's separate_bn_paras, which the paper's code uses).</summary>
public static class ParameterGroups
{
    public static List<NamedParameter> Collect(nn.Module module, string prefix)
    {
        var noDecay = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, m) in module.named_modules())
        {
            if (m is Nets.BatchNorm or BatchNorm1d or BatchNorm2d or BatchNorm3d or GroupNorm or LayerNorm)
                foreach (var (pname, _) in m.named_parameters(recurse: false))
                    noDecay.Add(string.IsNullOrEmpty(name) ? pname : $"{name}.{pname}");
        }
        var result = new List<NamedParameter>();
        foreach (var (name, p) in module.named_parameters())
        {
            var decay = !noDecay.Contains(name) && !name.EndsWith("bias", StringComparison.Ordinal);
            result.Add(new NamedParameter(prefix + name, p, decay));
        }
        return result;
    }
}
