using FaceBoost.Experiments;
using Spectre.Console;

namespace FaceBoost.Cli;

/// <summary>Runs an experiment with one progress bar per stage and the run's log lines above the bars.</summary>
internal static class ExperimentConsole
{
    public static int Run(ExperimentRunner runner)
    {
        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); AnsiConsole.MarkupLine("[yellow]stopping after the current step; re-run to resume[/]"); };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        ExperimentOutcome? outcome = null;
        try
        {
            AnsiConsole.Progress().AutoClear(false).HideCompleted(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .Start(ctx =>
                {
                    var tasks = new Dictionary<string, ProgressTask>();
                    var progress = new SyncProgress<ExperimentProgress>(p =>
                    {
                        if (!tasks.TryGetValue(p.Stage, out var t))
                        {
                            foreach (var other in tasks.Values.Where(o => !o.IsFinished)) other.Value = other.MaxValue; // stages run one at a time
                            tasks[p.Stage] = t = ctx.AddTask(Markup.Escape(p.Stage), maxValue: 1);
                        }
                        t.Value = Math.Clamp(p.Fraction, 0, 1);
                        t.Description = Markup.Escape($"{p.Stage,-28} {p.Detail}");
                    });
                    void Log(string line) => AnsiConsole.MarkupLine(Markup.Escape(line));
                    outcome = runner.Run(progress, cts.Token, Log);
                    foreach (var t in tasks.Values) t.Value = t.MaxValue;
                });
        }
        catch (OperationCanceledException)
        {
            AnsiConsole.MarkupLine("[yellow]interrupted; finished stages are kept — run the same command again to resume[/]");
            return 130;
        }
        var o = outcome!;
        AnsiConsole.WriteLine();
        foreach (var set in o.Table.Rows.Select(r => r.EvalSet).Distinct())
        {
            AnsiConsole.MarkupLine($"[bold]Verification on {Markup.Escape(set)}[/]");
            Console.WriteLine(ReportWriter.MarkdownTable(o.Table, set));
            foreach (var line in ReportWriter.PairedLines(o.Table, set)) Console.WriteLine("- " + line);
            AnsiConsole.WriteLine();
        }
        AnsiConsole.MarkupLine($"report: [link]{Markup.Escape(o.ReportHtml)}[/] and {Markup.Escape(o.ReportMarkdown)}");
        AnsiConsole.MarkupLine($"{o.StagesRun} stages run, {o.StagesCached} reused; {clock.Elapsed.TotalMinutes:F1} min");
        return 0;
    }
}
