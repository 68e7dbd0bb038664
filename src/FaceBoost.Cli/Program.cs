using FaceBoost.Cli.Verbs;
using FaceBoost.Training;
using System.CommandLine;
using System.Reflection;
using FaceBoost.Imaging;
using FaceBoost.Interop;

namespace FaceBoost.Cli;

public static class Program
{
    public static int Main(string[] args) => Run(args);

    /// <summary>Parses and runs one command line. Every failure ends here as one line on stderr,
    /// <c>faceboost &lt;verb&gt;: &lt;message&gt;</c>, and an exit code from <see cref="ExitCodes"/>; the stack trace is
    /// printed only with <c>--verbose</c> or <c>FACEBOOST_DEBUG=1</c>.</summary>
    public static int Run(string[] args, TextWriter? error = null)
    {
        error ??= Console.Error;
        bool verbose = args.Contains("--verbose") || Environment.GetEnvironmentVariable("FACEBOOST_DEBUG") == "1";
        string verb = "";
        try
        {
            var parse = BuildRoot().Parse(args);
            verb = VerbOf(parse);
            if (parse.Errors.Count > 0)
            {
                var help = verb.Length > 0 ? $"faceboost {verb} --help" : "faceboost --help";
                // "Required command was not provided" accompanies an unknown verb; the unknown token is the better message.
                var first = parse.Errors.FirstOrDefault(e => !e.Message.StartsWith("Required command", StringComparison.Ordinal)) ?? parse.Errors[0];
                error.WriteLine($"{Prefix(verb)}{OneLine(first.Message)} (see {help})");
                return ExitCodes.BadInput;
            }
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false, Error = error });
        }
        catch (Exception ex)
        {
            var (code, message) = Classify(ex);
            error.WriteLine($"{Prefix(verb)}{message}");
            if (verbose) error.WriteLine(ex.ToString());
            error.Flush();
            return code;
        }
    }

    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("FaceBoost: face recognition boosted by StyleGAN pretraining on unlabeled faces.");
        root.Options.Add(new Option<bool>("--verbose") { Description = "On failure, print the stack trace too (also FACEBOOST_DEBUG=1)", Recursive = true });
        foreach (var verb in Verbs.Select(v => v.Build()).OrderBy(c => c.Name, StringComparer.Ordinal)) root.Subcommands.Add(verb);
        return root;
    }

    /// <summary>Every verb of the command (a test checks that no IVerb is left out).</summary>
    public static IReadOnlyList<IVerb> Verbs { get; } =
    [
        new DatasetInfoVerb(), new DemoVerb(), new DistCheckVerb(), new EvalVerb(), new ExperimentVerb(), new ExportVerb(),
        new ImportVerb(), new InfoVerb(), new InvertVerb(), new PackPairsVerb(), new PackVerb(), new PrepareVerb(),
        new RenderFacesVerb(), new SampleVerb(), new SynthVerb(), new TrainEncoderVerb(), new TrainGanVerb(), new TrainVerb(),
    ];

    /// <summary>The exit code and the one-line message for a failure that reached the boundary.</summary>
    public static (int Code, string Message) Classify(Exception ex)
    {
        ex = Unwrap(ex);
        string msg = OneLine(ex.Message);
        if (FromDistributed(ex)) return (ExitCodes.Distributed, msg);
        return ex switch
        {
            OperationCanceledException => (ExitCodes.Interrupted, "interrupted"),
            FileNotFoundException or DirectoryNotFoundException => (ExitCodes.BadInput, msg),
            ImageDecodeException or RecordIoException or PickleException or StateDictMismatchException or FaceBoost.Training.CheckpointException => (ExitCodes.BadInput, msg),
            InvalidDataException or FormatException or ArgumentException or KeyNotFoundException or NotSupportedException => (ExitCodes.BadInput, msg),
            IOException or UnauthorizedAccessException => (ExitCodes.Io, msg),
            OutOfMemoryException => (ExitCodes.Bug, "out of memory: " + msg),
            FaceBoost.Training.TrainingDivergedException => (ExitCodes.Bug, msg),
            // Library code reports impossible requests on valid files (an empty dataset, too few identities) this way.
            InvalidOperationException when ex.GetType() == typeof(InvalidOperationException) && FromFaceBoost(ex) => (ExitCodes.BadInput, msg),
            _ => (ExitCodes.Bug, $"internal error ({ex.GetType().Name}): {msg} — please report it; rerun with --verbose for the stack trace"),
        };
    }

    private static Exception Unwrap(Exception ex)
    {
        while (true)
        {
            switch (ex)
            {
                case AggregateException { InnerExceptions.Count: 1 } a: ex = a.InnerExceptions[0]; continue;
                case TargetInvocationException { InnerException: { } i }: ex = i; continue;
                case TypeInitializationException { InnerException: { } t }: ex = t; continue;
                // The loader's worker failure wraps the real cause.
                case InvalidOperationException { InnerException: { } w } when ex.Message.StartsWith("loader worker failed", StringComparison.Ordinal): ex = w; continue;
                default: return ex;
            }
        }
    }

    private static bool FromDistributed(Exception ex) =>
        ex is TimeoutException or DllNotFoundException && ex.Message.Contains("MPI", StringComparison.OrdinalIgnoreCase)
        || ex.TargetSite?.DeclaringType?.Namespace?.StartsWith("FaceBoost.Distributed", StringComparison.Ordinal) == true;

    private static bool FromFaceBoost(Exception ex) =>
        ex.TargetSite?.DeclaringType?.Namespace?.StartsWith("FaceBoost", StringComparison.Ordinal) == true;

    private static string VerbOf(ParseResult parse)
    {
        var names = new List<string>();
        for (var r = parse.CommandResult; r is not null; r = r.Parent as System.CommandLine.Parsing.CommandResult)
            if (r.Command is not RootCommand) names.Insert(0, r.Command.Name);
        return string.Join(' ', names);
    }

    private static string Prefix(string verb) => verb.Length > 0 ? $"faceboost {verb}: " : "faceboost: ";

    private static string OneLine(string s) => string.Join(' ', s.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
