using System.CommandLine;
using FaceBoost.Experiments;
using FaceBoost.Runtime;

namespace FaceBoost.Cli.Verbs;

/// <summary>`faceboost experiment --config x.json`: the paper's comparison end to end, resumable.</summary>
public sealed class ExperimentVerb : IVerb
{
    public Command Build()
    {
        var cmd = new Command("experiment", "Run the paper's comparison from a JSON config: StyleGAN per unlabeled pool → encoder → " +
                                            "recognition arms (scratch / encoder-pretrained / synthetic identities) × label fractions × seeds → report. " +
                                            "Finished stages are cached by content; re-running resumes.");
        var config = new Option<string>("--config") { Description = "Experiment config (JSON; may name a \"base\" config it overrides)", Required = true }.Path();
        var threads = new Option<int?>("--threads") { Description = "libtorch threads (overrides the config)" }.Range(0, 1024);
        cmd.Options.Add(config);
        cmd.Options.Add(threads);
        cmd.SetAction(pr =>
        {
            var runner = ExperimentRunner.FromFile(pr.GetValue(config)!);
            if (pr.GetValue(threads) is int t) runner = new ExperimentRunner(runner.Config with { Threads = t }, Path.GetDirectoryName(Path.GetFullPath(pr.GetValue(config)!))!);
            TorchRuntime.Initialize(runner.Config.Threads);
            return ExperimentConsole.Run(runner);
        });
        return cmd;
    }
}
