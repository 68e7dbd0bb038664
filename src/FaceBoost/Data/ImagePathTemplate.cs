using System.Globalization;
using System.Text.RegularExpressions;

namespace FaceBoost.Data;

/// <summary>Where a name + number pair list (LFW/RFW) finds its images, relative to the image root:
/// <c>{name}</c> is the person, <c>{num}</c> the image number (<c>{num:0000}</c> formats it as .NET's
/// <c>int.ToString("0000")</c>, i.e. zero-padded to 4 digits) and <c>{ext}</c> the extension (without a dot).
/// The default is LFW's layout, <c>{name}/{name}_{num:0000}.{ext}</c> with <c>jpg</c>.</summary>
public sealed partial record ImagePathTemplate(string Pattern = ImagePathTemplate.LfwPattern, string Extension = "jpg")
{
    public const string LfwPattern = "{name}/{name}_{num:0000}.{ext}";
    public static ImagePathTemplate Lfw { get; } = new();

    /// <summary>Checks the pattern once (unknown fields, a number format .NET rejects) so a mistake is reported up front.</summary>
    public ImagePathTemplate Validate()
    {
        if (!Pattern.Contains("{num", StringComparison.Ordinal))
            throw new ArgumentException($"image pattern '{Pattern}' has no {{num}} field: every image of a person would get the same path");
        foreach (Match m in Field().Matches(Pattern))
            if (m.Groups[1].Value is not ("name" or "num" or "ext"))
                throw new ArgumentException($"image pattern '{Pattern}': unknown field {{{m.Groups[1].Value}}} (known: {{name}}, {{num}} or {{num:0000}}, {{ext}})");
        _ = Format("x", 1);
        return this;
    }

    /// <summary>The relative path of image <paramref name="number"/> of <paramref name="name"/>.</summary>
    public string Format(string name, int number) => Field().Replace(Pattern, m => m.Groups[1].Value switch
    {
        "name" => name,
        "ext" => Extension.TrimStart('.'),
        "num" => m.Groups[2].Success ? number.ToString(m.Groups[2].Value, CultureInfo.InvariantCulture) : number.ToString(CultureInfo.InvariantCulture),
        var other => throw new ArgumentException($"image pattern '{Pattern}': unknown field {{{other}}}"),
    });

    [GeneratedRegex(@"\{([a-z]+)(?::([^}]*))?\}")]
    private static partial Regex Field();
}
