using System.Text;
using FaceBoost.Cli;
using Xunit.Abstractions;

namespace FaceBoost.Tests.Fuzz;

/// <summary>Bad command lines for every verb, run in-process through the CLI's entry point: each must exit non-zero
/// with exactly one line on stderr, "faceboost [verb]: message", and no stack trace.</summary>
public sealed class BadCommandLineTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _tmp = Directory.CreateTempSubdirectory("fb-badcli-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_tmp, recursive: true); } catch (IOException) { }
    }

    private static string Hostile(string name) =>
        Path.Combine(FaceBoost.Tests.Interop.Python.RepoRoot(), "tests", "FaceBoost.Tests", "Fuzz", "Hostile", name);

    /// <summary>(command line, expected exit code or null for "any non-zero").</summary>
    private IEnumerable<(string[] Args, int? Code)> BadLines()
    {
        string t = _tmp, missing = Path.Combine(_tmp, "missing"), empty = Path.Combine(_tmp, "empty");
        Directory.CreateDirectory(empty);
        // A file where a folder is needed (.NET reports ENOTDIR as a missing folder: exit 2).
        var aFile = Path.Combine(_tmp, "a-file");
        File.WriteAllText(aFile, "not a folder");
        (string[], int?) L(int? code, params string[] a) => (a, code);
        const int usage = ExitCodes.BadInput;
        return
        [
            // root
            L(usage), L(usage, "no-such-verb"), L(usage, "--no-such-option"),
            // pack
            L(usage, "pack"), L(usage, "pack", "--output", t + "/o", "--quality", "500"), L(usage, "pack", "--output", t + "/o", "--quality", "0"),
            L(usage, "pack", "--output", t + "/o", "--quality", "abc"), L(usage, "pack", "--output", t + "/o", "--size", "-5"),
            L(usage, "pack", "--output", t + "/o"), L(usage, "pack", "--output", t + "/o", "--input", missing),
            L(usage, "pack", "--output", t + "/o", "--input", empty), L(usage, "pack", "--output", t + "/o", "--extract", Hostile("rec-header-nan.recset")),
            L(usage, "pack", "--output", t + "/o", "--extract", Hostile("rec-header-claims-1e9-images.recset")),
            // pack-pairs
            L(usage, "pack-pairs"), L(usage, "pack-pairs", "--output", t + "/p.bin"), L(usage, "pack-pairs", "--pairs", Hostile("pairs-nul-path.txt"), "--output", t + "/p.bin"),
            L(usage, "pack-pairs", "--extract", Hostile("bin-os-system.bin"), "--output", t + "/e"), L(usage, "pack-pairs", "--pairs", "p", "--output", "o", "--size", "0"),
            L(usage, "pack-pairs", "--extract", Hostile("bin-binbytes-4gb.bin"), "--output", t + "/e"),
            // prepare
            L(usage, "prepare"), L(usage, "prepare", "--output", t + "/prep", "--detector", "d.onnx"),
            L(usage, "prepare", "--output", "o", "--detector", "d", "--input", "i", "--size", "5"), L(usage, "prepare", "--output", "o", "--detector", "d", "--input", "i", "--margin", "-1"),
            L(usage, "prepare", "--output", "o", "--detector", "d", "--input", "i", "--score-threshold", "2"), L(usage, "prepare", "--output", "o", "--detector", "d", "--input", "i", "--workers", "0"),
            L(usage, "prepare", "--output", t + "/prep", "--detector", t + "/missing.onnx", "--input", missing),
            // sample
            L(usage, "sample"), L(usage, "sample", "--checkpoint", missing + ".fbgan", "--grid", t + "/g.png"), L(usage, "sample", "--checkpoint", "c", "--seeds", "5-1", "--grid", "g.png"),
            L(usage, "sample", "--checkpoint", "c", "--seeds", "abc", "--grid", "g.png"), L(usage, "sample", "--checkpoint", "c", "--seeds", "0-99999999", "--grid", "g.png"),
            L(usage, "sample", "--checkpoint", "c", "--truncation", "9", "--grid", "g.png"), L(usage, "sample", "--checkpoint", "c", "--columns", "0", "--grid", "g.png"),
            L(usage, "sample", "--checkpoint", "c"), L(null, "sample", "--checkpoint", Hostile("pth-not-a-zip.pth"), "--grid", t + "/g.png"),
            // synth
            L(usage, "synth"), L(usage, "synth", "--generator", "g", "--out", "o", "--identities", "0"), L(usage, "synth", "--generator", "g", "--out", "o", "--images-per-identity", "-1"),
            L(usage, "synth", "--generator", "g", "--out", "o", "--coarse-layers", "99"), L(usage, "synth", "--generator", "g", "--out", "o", "--truncation", "NaN"),
            L(usage, "synth", "--generator", missing, "--out", t + "/s"),
            // invert
            L(usage, "invert"), L(usage, "invert", "--encoder", "e", "--input", "i", "--iterations", "-1"), L(usage, "invert", "--encoder", "e", "--input", "i", "--max-images", "-3"),
            L(null, "invert", "--encoder", missing + ".fbenc", "--input", t, "--out", t + "/inv"),
            // import
            L(usage, "import"), L(usage, "import", "--pth", "x", "--width", "0"), L(usage, "import", "--pth", "x", "--arch", "iresnet7", "--output", t + "/x.fbck"),
            L(usage, "import", "--pth", "x", "--input-channels", "0"),
            L(usage, "import", "--pth", Hostile("pth-numel-450M.pth"), "--arch", "iresnet18", "--width", "8", "--embedding-size", "8", "--input-size", "32", "--output", t + "/x.fbck"),
            L(usage, "import", "--pth", missing + ".pth", "--arch", "iresnet18", "--width", "8", "--embedding-size", "8", "--input-size", "32"),
            // export
            L(usage, "export"), L(usage, "export", "--pth", "x", "--arch", "resnet50"), L(usage, "export", "--pth", "x", "--std", "0"),
            L(usage, "export", "--pth", Hostile("pth-view-outside-storage.pth"), "--arch", "iresnet18", "--width", "8", "--embedding-size", "8", "--input-size", "32", "--onnx", t + "/m.onnx"),
            // render-faces
            L(usage, "render-faces"), L(usage, "render-faces", "--out", "o", "--size", "4"), L(usage, "render-faces", "--out", "o", "--groups", "Z"),
            L(usage, "render-faces", "--out", "o", "--groups", "A,A"), L(usage, "render-faces", "--out", "o", "--identities", "0"), L(usage, "render-faces", "--out", "o", "--nuisance", "-1"),
            L(usage, "render-faces", "--out", "o", "--seed", "-1"),
            L(ExitCodes.BadInput, "render-faces", "--out", aFile + "/sub", "--identities", "1", "--images-per-identity", "1", "--size", "16"),
            // sysfs refuses new folders even to root: a permission failure, exit 3.
            L(ExitCodes.Io, "render-faces", "--out", "/sys/faceboost-cannot-write-here", "--identities", "1", "--images-per-identity", "1", "--size", "16"),
            // dataset-info
            L(usage, "dataset-info"), L(usage, "dataset-info", missing), L(usage, "dataset-info", Hostile("list-nul-path.txt")), L(usage, "dataset-info", t, "--workers", "0"),
            L(usage, "dataset-info", empty), L(usage, "dataset-info", Hostile("list-binary.txt")),
            // experiment
            L(usage, "experiment"), L(usage, "experiment", "--config", Hostile("json-duplicate-key.json")), L(usage, "experiment", "--config", Hostile("json-base-number.json")),
            L(usage, "experiment", "--config", missing + ".json"), L(usage, "experiment", "--config", "c.json", "--threads", "-2"), L(usage, "experiment", "--config", Hostile("json-deep-nesting.json")),
            // demo, dist-check, info
            L(usage, "demo", "--threads", "-1"), L(usage, "demo", "--bogus"), L(usage, "dist-check", "--repeats", "0"), L(usage, "dist-check", "--floats", "0"), L(usage, "info", "--bogus"),
            // trainer verbs and eval (their options belong to other files; only generic misuse here)
            L(usage, "train", "--no-such-option"), L(usage, "train", "--data"), L(usage, "train-gan", "--bogus", "1"), L(usage, "train-encoder", "--bogus"),
            L(usage, "train-encoder", "--generator", "g", "--data", "d", "--run", t + "/enc"), // --run-dir, as every verb
            L(usage, "eval", "--bogus"), L(usage, "eval", "--checkpoint"),
            L(usage, "train", "--data", missing, "--run-dir", t + "/train-missing"),
            L(usage, "train-encoder", "--generator", "g", "--data", "d", "--batch-size", "6", "--micro-batches", "4"),
            .. TrainerLines().Select(l => (l.Args, (int?)usage)),
        ];
    }

    /// <summary>Out-of-range or unknown values of the trainer verbs' options, each rejected at parse time: (command line,
    /// the option the one-line message must name).</summary>
    private static IEnumerable<(string[] Args, string Option)> TrainerLines()
    {
        (string[], string) T(string option, string value) => (["train", "--data", "d", option, value], option);
        (string[], string) G(string option, string value) => (["train-gan", "--data", "d", "--run-dir", "r", option, value], option);
        (string[], string) E(string option, string value) => (["train-encoder", "--generator", "g", "--data", "d", option, value], option);
        return
        [
            T("--backbone", "resnet9000"), T("--input-size", "4"), T("--width", "0"), T("--embedding-size", "-1"), T("--dropout", "1.5"),
            T("--input-channels", "4"), T("--loss", "triplet"), T("--margin", "-0.5"), T("--scale", "0"), T("--focal-gamma", "-1"),
            T("--optimizer", "lbfgs"), T("--lr", "0"), T("--lr", "-0.1"), T("--lr", "NaN"), T("--lr", "Infinity"), T("--momentum", "1"),
            T("--weight-decay", "-1"), T("--schedule", "linear"), T("--milestones", "a,b"), T("--milestones", "10,5"), T("--milestones", "-3"),
            T("--step-factor", "0"), T("--step-factor", "1.5"), T("--warmup-epochs", "-1"), T("--epochs", "0"), T("--batch-size", "0"),
            T("--micro-batches", "0"), T("--freeze-body-epochs", "-1"), T("--label-fraction", "0"), T("--label-fraction", "1.01"),
            T("--images-per-identity", "0"), T("--seed", "-1"), T("--workers", "-1"), T("--threads", "-1"), T("--clip-grad", "-1"),
            T("--log-every", "0"), T("--checkpoint-every", "-1"), T("--resize-to", "2"), T("--run-dir", ""), T("--average-image", "a\0b"),
            G("--resolution", "48"), G("--resolution", "4096"), G("--batch-size", "1"), G("--kimg", "0"), G("--lr-g", "0"), G("--lr-d", "-1"),
            G("--r1-gamma", "-1"), G("--pl-weight", "-2"), G("--ada-target", "1"), G("--ada-target", "0"), G("--ada-kimg", "0"),
            G("--mapping-layers", "0"), G("--z-dim", "0"), G("--w-dim", "-3"), G("--channel-base", "0"), G("--channel-max", "0"),
            G("--snap", "0"), G("--sample-every", "-1"), G("--fd-images", "0"), G("--threads", "-1"), G("--workers", "-1"), G("--seed", "-1"),
            G("--data", "a\0b"),
            E("--resolution", "50"), E("--batch-size", "0"), E("--micro-batches", "0"), E("--steps", "0"), E("--lr", "0"), E("--lr", "nan"),
            E("--optimizer", "sgd"), E("--l2-weight", "-1"), E("--perceptual-weight", "-1"), E("--wnorm-weight", "-1"), E("--depth", "20"),
            E("--mode", "se"), E("--width", "2"), E("--head", "Bogus"), E("--iterations", "0"), E("--grid-every", "0"),
            E("--checkpoint-every", "0"), E("--max-images", "-1"), E("--seed", "-1"), E("--threads", "-1"),
            (["train-encoder", "--generator", "", "--data", "d"], "--generator"), (["train-encoder", "--generator", "g", "--data", "a\0b"], "--data"),
        ];
    }

    [Fact]
    public void Trainer_options_are_range_checked_at_parse_time_and_the_message_names_the_option()
    {
        var failures = new List<string>();
        var lines = TrainerLines().ToList();
        foreach (var (args, option) in lines)
        {
            var err = new StringWriter();
            int rc = Program.Run(args, err);
            var text = err.ToString().Trim();
            var shown = string.Join(' ', args);
            if (rc != ExitCodes.BadInput) failures.Add($"exit {rc}: {shown}: {text}");
            else if (text.Contains('\n') || !text.StartsWith($"faceboost {args[0]}: ", StringComparison.Ordinal) || !text.Contains(option, StringComparison.Ordinal))
                failures.Add($"not 'faceboost {args[0]}: {option} …': {shown}: {text}");
        }
        output.WriteLine($"{lines.Count} trainer option lines, {failures.Count} failures");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void Every_bad_command_line_exits_non_zero_with_one_line_and_no_stack_trace()
    {
        var lines = BadLines().ToList();
        Assert.True(lines.Count >= 60, $"only {lines.Count} bad command lines");
        var failures = new List<string>();
        var report = new StringBuilder();
        foreach (var (args, code) in lines)
        {
            var err = new StringWriter();
            int rc = Program.Run(args, err);
            var text = err.ToString();
            var nonEmpty = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            string shown = string.Join(' ', args.Select(a => a.StartsWith(_tmp, StringComparison.Ordinal) ? "$TMP" + a[_tmp.Length..] : a));
            report.AppendLine($"{rc,3}  faceboost {shown}\n     {text.Trim()}");
            if (rc == 0) failures.Add($"exit 0: {shown}");
            else if (code is int want && rc != want) failures.Add($"exit {rc}, expected {want}: {shown}: {text.Trim()}");
            if (nonEmpty.Length != 1) failures.Add($"{nonEmpty.Length} lines on stderr: {shown}:\n{text}");
            else if (!nonEmpty[0].StartsWith("faceboost", StringComparison.Ordinal)) failures.Add($"not 'faceboost <verb>: …': {shown}: {text}");
            if (text.Contains("   at ", StringComparison.Ordinal) || text.Contains("Unhandled exception", StringComparison.Ordinal)) failures.Add($"stack trace: {shown}");
        }
        output.WriteLine($"{lines.Count} bad command lines\n{report}");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void Verbose_adds_the_stack_trace_and_the_exit_code_stays()
    {
        var err = new StringWriter();
        int rc = Program.Run(["pack", "--output", _tmp + "/o", "--input", _tmp + "/missing", "--verbose"], err);
        Assert.Equal(ExitCodes.BadInput, rc);
        var text = err.ToString();
        Assert.StartsWith("faceboost pack: ", text);
        Assert.Contains("   at ", text);
    }

    [Fact]
    public void Every_training_verb_names_its_run_folder_run_dir()
    {
        var root = Program.BuildRoot();
        foreach (var verb in new[] { "train", "train-gan", "train-encoder" })
        {
            var options = root.Subcommands.Single(c => c.Name == verb).Options.Select(o => o.Name).ToList();
            Assert.Contains("--run-dir", options);
            Assert.DoesNotContain("--run", options);
        }
    }
}
