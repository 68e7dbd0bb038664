using FaceBoost.Training;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace FaceBoost.Tests.Distributed;

/// <summary>Issue 9 for the other two trainers: `mpirun -np 2 dotnet faceboost.dll train-gan|train-encoder …` on ORL
/// at 32 px with tiny networks. The encoder is deterministic, so 2 ranks must equal one process that splits the same
/// global batch into 2 micro-batches; the GAN draws different latents per rank (as stylegan2-ada does), so there the
/// checks are the replica-consistency check at every snapshot, rank-0-only output, and resume.</summary>
[Collection(Recognition.RecognitionCollection.Name)]
public sealed class MpiGanEncoderTests(ITestOutputHelper log)
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(120);

    private static string[] GanArgs(string orl, string runDir, double kimg) =>
    [
        "train-gan", "--data", orl, "--resolution", "32", "--batch-size", "8", "--kimg", kimg.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--z-dim", "32", "--w-dim", "32", "--mapping-layers", "2", "--channel-base", "256", "--channel-max", "32",
        "--snap", "0.048", "--sample-every", "0.048", "--fd-images", "50", "--threads", "1", "--run-dir", runDir,
    ];

    [SkippableFact]
    public void GanRanksStayInSyncWriteOnceAndResume()
    {
        var orl = SharedData.Require("data", "orl");
        MpiRun.RequireMpirun();
        MpiRun.InTempFolder("faceboost-dist-gan-", root =>
        {
            var mpiDir = Path.Combine(root, "mpi");
            var mpi = MpiRun.Succeed(MpiRun.Cli(GanArgs(orl, mpiDir, 0.096), 2), Limit);
            Assert.Contains("data-parallel: 2 ranks (mpi), global batch 8 = 2 × 4", mpi.Output);
            // One line at start + one per 0.048 kimg (12 steps of 8): rank 0 alone logs. The replica check ran at both
            // snapshots (a divergence would have failed the job).
            Assert.Equal(3, File.ReadAllLines(Path.Combine(mpiDir, "stats.jsonl")).Length);
            Assert.Equal(3, Directory.GetFiles(mpiDir, "samples-*.png").Length);
            Assert.True(File.Exists(Path.Combine(mpiDir, "latest")));

            var resumed = MpiRun.Succeed(MpiRun.Cli([.. GanArgs(orl, mpiDir, 0.144), "--resume"], 2), Limit);
            Assert.Contains("resumed at 0.10 kimg", resumed.Output);
            var last = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllLines(Path.Combine(mpiDir, "stats.jsonl"))[^1])!;
            Assert.Equal(0.144, last["kimg"]!.GetValue<double>(), 6);
            Assert.Equal(18, last["step"]!.GetValue<int>());
            log.WriteLine($"train-gan under mpirun -np 2: {mpi.Elapsed.TotalSeconds:0.0} s, resumed run {resumed.Elapsed.TotalSeconds:0.0} s; last line {last.ToJsonString()}");
        });
    }

    /// <summary>Largest |a − b| over the encoders' trained parameters (BatchNorm running statistics are buffers and
    /// legitimately differ: rank 0 keeps those of its own shard).</summary>
    private static (double Max, string Worst, int Compared) CompareEncoders(string dirA, string dirB)
    {
        using var a = EncoderCheckpoint.Load(dirA);
        using var b = EncoderCheckpoint.Load(dirB);
        using var ea = a.CreateEncoder();
        using var eb = b.CreateEncoder();
        var pb = eb.named_parameters().ToDictionary(kv => kv.name, kv => kv.parameter);
        double max = 0; var worst = "-"; var n = 0;
        foreach (var (name, p) in ea.named_parameters())
        {
            using var d = (p - pb[name]).abs().max();
            var v = d.item<float>();
            n++;
            if (v > max) (max, worst) = (v, name);
        }
        return (max, worst, n);
    }

    [SkippableFact]
    public void EncoderTwoRanksEqualOneProcessWithTwoMicroBatches()
    {
        var orl = SharedData.Require("data", "orl");
        MpiRun.RequireMpirun();
        MpiRun.InTempFolder("faceboost-dist-enc-", root =>
        {
            // A (barely trained) generator to invert: the encoder's equality does not depend on its quality.
            var ganDir = Path.Combine(root, "gan");
            var gan = MpiRun.Succeed(MpiRun.Cli(GanArgs(orl, ganDir, 0.016), 1), Limit);
            string[] EncArgs(string run) =>
            [
                "train-encoder", "--generator", ganDir, "--data", orl, "--resolution", "32",
                "--batch-size", "8", "--steps", "6", "--lr", "0.001", "--depth", "18", "--width", "8", "--max-images", "64", "--seed", "3",
                "--grid-every", "3", "--checkpoint-every", "3", "--threads", "1", "--run-dir", run,
            ];
            var singleDir = Path.Combine(root, "single");
            var mpiDir = Path.Combine(root, "mpi");
            var single = MpiRun.Succeed(MpiRun.Cli([.. EncArgs(singleDir), "--micro-batches", "2"], 1), Limit);
            var mpi = MpiRun.Succeed(MpiRun.Cli(EncArgs(mpiDir), 2), Limit);
            Assert.Contains("data-parallel: 2 ranks (mpi), global batch 8 = 2 × 4", mpi.Output);
            Assert.Single(File.ReadAllLines(Path.Combine(mpiDir, "stats.jsonl"))); // log every 10 → only the last step, once
            Assert.Equal(2, Directory.GetFiles(Path.Combine(mpiDir, "grids")).Length);

            // Plain single process (BatchNorm over all 8): differs through batch statistics, which shows the weights moved
            // and that the comparison above can tell runs apart.
            var plainDir = Path.Combine(root, "plain");
            var plain = MpiRun.Succeed(MpiRun.Cli(EncArgs(plainDir), 1), Limit);
            var (max, worst, n) = CompareEncoders(singleDir, mpiDir);
            var (bn, _, _) = CompareEncoders(plainDir, mpiDir);
            log.WriteLine($"vs plain single process (BatchNorm over the whole batch): max |Δw| = {bn:E2}");
            log.WriteLine($"train-encoder, 2 ranks vs 1 process × 2 micro-batches, 6 steps: max |Δw| = {max:E2} over {n} tensors (worst {worst})");
            Assert.True(n > 20, $"only {n} parameter tensors compared");
            // Measured 2026-11-29: exactly 0 (the all-reduce of 2 summands is exact); bound for other MPI builds.
            Assert.True(max < 1e-5, $"max |Δw| {max:E2} at {worst}");
            Assert.True(bn > max, $"the BatchNorm-statistics difference ({bn:E2}) should exceed the summation-order one ({max:E2})");
        });
    }
}
