using System.Text.RegularExpressions;

namespace FaceBoost.Nets;

/// <summary>Builds a backbone from its name (see <see cref="BackboneOptions.Name"/>).</summary>
public static partial class BackboneFactory
{
    public static readonly IReadOnlyList<string> KnownNames =
    [
        "iresnet18", "iresnet34", "iresnet50", "iresnet100", "iresnet200",
        "ir18", "ir34", "ir50", "ir100", "ir152", "irse18", "irse34", "irse50", "irse100", "irse152", "mobilefacenet",
    ];

    public static FaceBackbone Create(BackboneOptions options)
    {
        options.Validate();
        var name = options.Name.Trim().ToLowerInvariant().Replace("_", "").Replace("-", "");
        if (name == "mobilefacenet") return new MobileFaceNet(options);
        var m = NameRegex().Match(name);
        if (!m.Success)
            throw new ArgumentException($"unknown backbone '{options.Name}'; known: {string.Join(", ", KnownNames)}");
        var depth = int.Parse(m.Groups[2].Value);
        return m.Groups[1].Value switch
        {
            "iresnet" => new IResNet(depth, options),
            "ir" => new IrseBackbone(depth, false, options),
            _ => new IrseBackbone(depth, true, options),
        };
    }

    [GeneratedRegex("^(iresnet|irse|ir)(\\d+)$")]
    private static partial Regex NameRegex();
}
