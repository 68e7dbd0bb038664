using System.CommandLine;
using FaceBoost.Distributed;

namespace FaceBoost.Cli.Verbs;

/// <summary>`faceboost dist-check`: under mpirun, proves the ranks talk and measures all-reduce bandwidth.</summary>
public sealed class DistCheckVerb : IVerb
{
    public Command Build()
    {
        var floats = new Option<long>("--floats") { Description = "all-reduce size in float32 values (IResNet-50 gradient ≈ 43.6M)", DefaultValueFactory = _ => 25_000_000 }.Range(1L, 1L << 31);
        var repeats = new Option<int>("--repeats") { Description = "timed all-reduces", DefaultValueFactory = _ => 5 }.Range(1, 10_000);
        var cmd = new Command("dist-check", "Check the data-parallel backend (run under mpirun) and measure all-reduce bandwidth.");
        cmd.Options.Add(floats);
        cmd.Options.Add(repeats);
        cmd.SetAction(pr =>
        {
            using var comm = Communicators.FromEnvironment();
            var r = DistributedSelfCheck.Run(comm, pr.GetValue(floats), pr.GetValue(repeats));
            Console.WriteLine($"rank {r.Rank}/{r.WorldSize} backend={r.Backend} sums={(r.SumsCorrect ? "ok" : "WRONG")} " +
                              $"broadcast={(r.BroadcastCorrect ? "ok" : "WRONG")} allreduce({r.Floats} floats)={r.SecondsPerAllReduce * 1000:0.0} ms " +
                              $"busbw={r.BusBandwidthGBps:0.00} GB/s");
            return r.SumsCorrect && r.BroadcastCorrect ? 0 : 1;
        });
        return cmd;
    }
}
