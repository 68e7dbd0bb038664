using System.CommandLine;
using FaceBoost.Experiments;
using FaceBoost.Runtime;
using Spectre.Console;

namespace FaceBoost.Cli.Verbs;

/// <summary>`faceboost demo`: the whole pipeline on procedural faces FaceBoost renders itself — no download.</summary>
public sealed class DemoVerb : IVerb
{
    public Command Build()
    {
        var cmd = new Command("demo", "Render procedural faces, then run the built-in experiment on them (StyleGAN → encoder → " +
                                      "scratch / encoder / autoencoder / synthetic-identity arms at 10 % of the labels, 5 seeds, paired gains) and write an HTML report. About 9 minutes on 2 cores.");
        var outDir = new Option<string>("--out") { Description = "Where data, stages and the report go (re-running resumes)", DefaultValueFactory = _ => "runs/demo" }.Path();
        var threads = new Option<int>("--threads") { Description = "libtorch threads (0 = all cores)", DefaultValueFactory = _ => 0 }.Range(0, 1024);
        cmd.Options.Add(outDir);
        cmd.Options.Add(threads);
        cmd.SetAction(pr =>
        {
            var dir = Path.GetFullPath(pr.GetValue(outDir)!);
            TorchRuntime.Initialize(pr.GetValue(threads));
            AnsiConsole.MarkupLine($"FaceBoost demo in [bold]{Markup.Escape(dir)}[/] ({Markup.Escape(TorchRuntime.Describe())})");
            string configPath = "";
            AnsiConsole.Progress().Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn())
                .Start(ctx =>
                {
                    var tasks = new Dictionary<string, ProgressTask>();
                    configPath = DemoExperiment.Prepare(dir, new SyncProgress<ExperimentProgress>(p =>
                    {
                        if (!tasks.TryGetValue(p.Stage, out var t)) tasks[p.Stage] = t = ctx.AddTask(Markup.Escape(p.Stage), maxValue: 1);
                        t.Value = p.Fraction;
                        t.Description = Markup.Escape($"{p.Stage} {p.Detail}");
                    }), line => AnsiConsole.MarkupLine(Markup.Escape(line)));
                });
            AnsiConsole.MarkupLine($"experiment config: {Markup.Escape(configPath)} (edit it and re-run to change the demo)");
            return ExperimentConsole.Run(ExperimentRunner.FromFile(configPath));
        });
        return cmd;
    }
}
