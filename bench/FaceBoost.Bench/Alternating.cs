using System.Diagnostics;
using System.Globalization;

namespace FaceBoost.Bench;

/// <summary>Two settings of FaceBoost measured in turn, repeat by repeat, so a load change hits both (the A/B benches
/// `onednn-speed`, `layout`, `malloc`); and this bench program started again as a child process, for settings that
/// hold for a whole process.</summary>
internal static class Alternating
{
    /// <summary>Runs <paramref name="first"/> then <paramref name="second"/> <paramref name="repeats"/> times and returns
    /// the markdown row `| label | first median (min–max) | second … | first ÷ second |` (img/s).</summary>
    public static string Row(string label, int repeats, (string Name, Func<double> Measure) first, (string Name, Func<double> Measure) second)
    {
        var a = new List<double>();
        var b = new List<double>();
        for (var r = 0; r < repeats; r++)
        {
            a.Add(first.Measure());
            b.Add(second.Measure());
            Console.WriteLine($"  {label}: repeat {r + 1}/{repeats}: {first.Name} {a[^1]:F1}, {second.Name} {b[^1]:F1} img/s");
        }
        var sa = Stat.Of(a)!;
        var sb = Stat.Of(b)!;
        return $"| {label} | {sa.Format("F1")} | {sb.Format("F1")} | {(sa.Median / sb.Median).ToString("F2", CultureInfo.InvariantCulture)} |\n";
    }

    /// <summary>Start info for this bench program with <paramref name="args"/> (through `dotnet` when it runs as a dll).</summary>
    public static ProcessStartInfo Self(IEnumerable<string> args)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
        var psi = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") psi.ArgumentList.Add(typeof(Program).Assembly.Location);
        foreach (var a in args) psi.ArgumentList.Add(a);
        return psi;
    }
}
