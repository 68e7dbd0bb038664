using System.CommandLine;
using FaceBoost.Data;
using FaceBoost.Evaluation;
using FaceBoost.Imaging;
using FaceBoost.Interop;
using FaceBoost.Runtime;
using Spectre.Console;

namespace FaceBoost.Cli;

/// <summary>The train verb's verification and TensorBoard options (issue 18), kept out of TrainVerb so that it needs
/// two lines: <see cref="AddTo"/> when building the command and <see cref="Create"/> before training.</summary>
internal sealed class TrainVerification
{
    private readonly Option<string[]> _verify = new("--verify")
    {
        Description = "NAME=FILE verification set evaluated during training (repeatable): an insightface .bin (lfw.bin, cfp_fp.bin, ...) or a pair list",
        AllowMultipleArgumentsPerToken = false,
    };
    private readonly Option<int> _every = new("--verify-every") { Description = "Verify every N steps (and at every epoch end); 0 = epoch ends only", DefaultValueFactory = _ => 0 };
    private readonly Option<string?> _best = new("--verify-best") { Description = "Set whose accuracy keeps best.fbck (default: the first --verify set)" };
    private readonly Option<bool> _tensorBoard = new("--tensorboard") { Description = "Write TensorBoard event files (losses, lr, verification) into the run folder" };

    public static TrainVerification AddTo(Command cmd)
    {
        var v = new TrainVerification();
        foreach (var o in new Option[] { v._verify, v._every, v._best, v._tensorBoard }) cmd.Options.Add(o);
        return v;
    }

    /// <summary>The verifier for this run, or null when neither --verify nor --tensorboard was given.</summary>
    public TrainingVerifier? Create(ParseResult pr, string runDir)
    {
        var specs = pr.GetValue(_verify) ?? [];
        bool tb = pr.GetValue(_tensorBoard);
        if (specs.Length == 0 && !tb)
        {
            if (pr.GetValue(_best) is not null) throw new ArgumentException("--verify-best needs --verify NAME=FILE");
            return null;
        }
        var sets = specs.Select(Load).ToList();
        foreach (var s in sets) AnsiConsole.MarkupLine($"[grey]verification set {Markup.Escape(s.Name)}: {s.PairCount} pairs[/]");
        var writer = tb ? new TensorBoardWriter(runDir) : null;
        try
        {
            return new TrainingVerifier(sets, new TrainingVerifierOptions { Every = pr.GetValue(_every), BestSet = pr.GetValue(_best) }, writer,
                line => AnsiConsole.WriteLine(line));
        }
        catch
        {
            writer?.Dispose();
            throw;
        }
    }

    private static VerificationSet Load(string spec)
    {
        int eq = spec.IndexOf('=');
        if (eq <= 0 || eq == spec.Length - 1) throw new ArgumentException($"--verify '{spec}': expected NAME=FILE, e.g. lfw=data/lfw.bin");
        var (name, file) = (spec[..eq], spec[(eq + 1)..]);
        if (!File.Exists(file)) throw new FileNotFoundException($"--verify {name}: '{file}' does not exist", file);
        if (file.EndsWith(".bin", StringComparison.OrdinalIgnoreCase))
        {
            var bin = BinVerificationSet.Load(file);
            return VerificationSet.FromImagePairs(name, bin.PairCount, i => ImageDecoder.Decode(bin.Images[i], $"{file}#{i}"), [.. bin.IsSame]);
        }
        return VerificationSet.FromPairs(name, PairSets.Read(file), file);
    }
}
