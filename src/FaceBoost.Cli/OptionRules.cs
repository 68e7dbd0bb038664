using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace FaceBoost.Cli;

/// <summary>Parse-time checks for verb options: a value outside its range is a usage error (exit 2) before the verb
/// starts any work.</summary>
internal static class OptionRules
{
    public static Option<T> Range<T>(this Option<T> option, T min, T max) where T : struct, IComparable<T>
    {
        option.Validators.Add(r => Check(r, option.Name, Value<T>(r), min, max));
        return option;
    }

    public static Option<T?> Range<T>(this Option<T?> option, T min, T max) where T : struct, IComparable<T>
    {
        option.Validators.Add(r => { if (Value<T?>(r) is T v) Check(r, option.Name, v, min, max); });
        return option;
    }

    /// <summary>A free check: <paramref name="why"/> returns null when the value is fine, else the reason.</summary>
    public static Option<T> Rule<T>(this Option<T> option, Func<T, string?> why)
    {
        option.Validators.Add(r =>
        {
            var v = Value<T>(r);
            if (v is not null && why(v) is string reason) r.AddError($"{option.Name} {Show(v)}: {reason}");
        });
        return option;
    }

    public static Option<string> OneOf(this Option<string> option, params string[] allowed) =>
        option.Rule(v => allowed.Contains(v, StringComparer.Ordinal) ? null : $"must be one of {string.Join(", ", allowed)}");

    /// <summary>One of <paramref name="allowed"/>, in any letter case (for names the library lower-cases itself).</summary>
    public static Option<string> OneOfIgnoringCase(this Option<string> option, params string[] allowed) =>
        option.Rule(v => allowed.Contains(v, StringComparer.OrdinalIgnoreCase) ? null : $"must be one of {string.Join(", ", allowed)}");

    /// <summary>A power of two in [<paramref name="min"/>, <paramref name="max"/>] (image resolutions of a GAN).</summary>
    public static Option<int> PowerOfTwo(this Option<int> option, int min, int max) =>
        option.Rule(v => v >= min && v <= max && (v & (v - 1)) == 0 ? null : $"must be a power of two from {min} to {max}");

    /// <summary>A finite value above 0 (a learning rate, an interval), at most <paramref name="max"/>.</summary>
    public static Option<double> Positive(this Option<double> option, double max = double.MaxValue) =>
        option.Rule(v => v > 0 && v <= max && double.IsFinite(v) ? null : max < double.MaxValue ? $"must be > 0 and ≤ {Show(max)}" : "must be a finite number > 0");

    public static Option<float> Positive(this Option<float> option, float max = float.MaxValue) =>
        option.Rule(v => v > 0 && v <= max && float.IsFinite(v) ? null : max < float.MaxValue ? $"must be > 0 and ≤ {Show(max)}" : "must be a finite number > 0");

    /// <summary>A fraction in (0, 1].</summary>
    public static Option<double> Fraction(this Option<double> option) =>
        option.Rule(v => v > 0 && v <= 1 ? null : "must be a fraction in (0, 1]");

    /// <summary>A path option: rejects an empty value and control characters (a NUL byte no file system accepts).</summary>
    public static Option<T> Path<T>(this Option<T> option) where T : class? =>
        option.Rule(v => v is string s && (s.Length == 0 || s.Any(char.IsControl)) ? "is not a usable path (empty or with control characters)" : null);

    private static T? Value<T>(OptionResult r)
    {
        try { return r.GetValueOrDefault<T>(); }
        catch (InvalidOperationException) { return default; } // the token did not convert: already a parse error
    }

    private static void Check<T>(OptionResult r, string name, T v, T min, T max) where T : struct, IComparable<T>
    {
        // NaN compares below everything, so it is out of range too.
        if (v.CompareTo(min) < 0 || v.CompareTo(max) > 0 || v is float f && float.IsNaN(f) || v is double d && double.IsNaN(d))
            r.AddError($"{name} {Show(v)}: must be between {Show(min)} and {Show(max)}");
    }

    private static string Show(object? v) =>
        v is IEnumerable<string> list ? string.Join(" ", list) : Convert.ToString(v, CultureInfo.InvariantCulture) ?? "";
}
