using FaceBoost.Training;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace FaceBoost.Tests.Distributed;

/// <summary>Issue 9 end to end: `mpirun -np 2 dotnet faceboost.dll train …` against single-process runs of the same
/// CLI on ORL at 32 px (tiny IResNet-18, width 8, one epoch = 10 steps of global batch 40).</summary>
[Collection(Recognition.RecognitionCollection.Name)]
public sealed class MpiTrainingTests(ITestOutputHelper log)
{
    private static string[] TrainArgs(string orl, string runDir, int epochs = 1) =>
    [
        "train", "--data", orl, "--backbone", "iresnet18", "--input-size", "32", "--width", "8", "--embedding-size", "32",
        "--epochs", epochs.ToString(), "--batch-size", "40", "--lr", "0.05", "--seed", "3", "--workers", "0", "--threads", "1",
        "--log-every", "1", "--run-dir", runDir,
    ];

    private static bool IsBatchNormBuffer(string key) =>
        key.EndsWith("running_mean", StringComparison.Ordinal) || key.EndsWith("running_var", StringComparison.Ordinal)
        || key.EndsWith("num_batches_tracked", StringComparison.Ordinal);

    /// <summary>Largest |a − b| over the trained parameters (model.* and head.*; BatchNorm running statistics are
    /// buffers, not trained weights, and legitimately differ: under MPI rank 0 keeps statistics of its own shard).</summary>
    private static (double MaxDiff, string WorstKey, int Compared) CompareParameters(string dirA, string dirB)
    {
        var (_, a) = RecognitionCheckpoint.Read(RecognitionCheckpoint.Resolve(dirA));
        var (_, b) = RecognitionCheckpoint.Read(RecognitionCheckpoint.Resolve(dirB));
        try
        {
            double max = 0; string worst = "-"; int n = 0;
            foreach (var (k, ta) in a)
            {
                if (!(k.StartsWith("model.") || k.StartsWith("head.")) || IsBatchNormBuffer(k) || !ta.is_floating_point()) continue;
                Assert.True(b.TryGetValue(k, out var tb), $"{k} missing from {dirB}");
                Assert.Equal(ta.shape, tb!.shape);
                using var d = (ta - tb).abs().max();
                var v = d.item<float>();
                n++;
                if (v > max) (max, worst) = (v, k);
            }
            return (max, worst, n);
        }
        finally
        {
            foreach (var t in a.Values.Concat(b.Values)) t.Dispose();
        }
    }

    [SkippableFact]
    public void TwoRanksReachTheSingleProcessWeightsForTheSameGlobalBatch()
    {
        var orl = SharedData.Require("data", "orl");
        MpiRun.RequireMpirun();
        var root = Directory.CreateTempSubdirectory("faceboost-dist-").FullName;
        try
        {
            var limit = TimeSpan.FromSeconds(90);
            // Reference: one process, global batch 40 split into 2 micro-batches of 20 — BatchNorm then sees the same
            // 20-sample batches as each of 2 ranks, so the only difference left is float summation order.
            var single = MpiRun.Succeed(MpiRun.Cli([.. TrainArgs(orl, Path.Combine(root, "single")), "--micro-batches", "2"], 1), limit);
            var mpi = MpiRun.Succeed(MpiRun.Cli(TrainArgs(orl, Path.Combine(root, "mpi")), 2), limit);
            Assert.Contains("data-parallel: 2 ranks (mpi), global batch 40 = 2 × 20", mpi.Output);
            // Plain single process with BatchNorm over all 40: what a user without micro-batches compares against.
            var plain = MpiRun.Succeed(MpiRun.Cli(TrainArgs(orl, Path.Combine(root, "plain")), 1), limit);

            // Only rank 0 logs: one stats line per step (10), not one per rank.
            var statLines = File.ReadAllLines(RecognitionTrainer.StatsPath(Path.Combine(root, "mpi")));
            Assert.Equal(10, statLines.Length);
            Assert.Single(Directory.GetFiles(Path.Combine(root, "mpi"), "ckpt-*"));

            var (exact, exactKey, n) = CompareParameters(Path.Combine(root, "single"), Path.Combine(root, "mpi"));
            var (bn, bnKey, _) = CompareParameters(Path.Combine(root, "plain"), Path.Combine(root, "mpi"));
            log.WriteLine($"mpirun -np 2 ({mpi.Elapsed.TotalSeconds:0.0} s) vs 1 process × 2 micro-batches ({single.Elapsed.TotalSeconds:0.0} s): " +
                          $"max |Δw| = {exact:E2} over {n} parameter tensors (worst {exactKey})");
            log.WriteLine($"mpirun -np 2 vs 1 process, BatchNorm over the whole batch of 40: max |Δw| = {bn:E2} (worst {bnKey})");
            // Measured 2026-11-28: ~1e-6..1e-5 (summation order); bound with a wide margin but far below the BN effect.
            Assert.True(exact < 1e-4, $"2 ranks vs 1 process × 2 micro-batches: max |Δw| {exact:E2} at {exactKey}");
            Assert.True(bn > exact, $"the BatchNorm-statistics difference ({bn:E2}) should exceed the summation-order one ({exact:E2})");
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>All ranks resume from rank 0's checkpoint: 1 epoch under mpirun, then `--resume` for a second epoch
    /// (options.json raised to 2 epochs), equals 2 uninterrupted epochs of one process × 2 micro-batches.</summary>
    [SkippableFact]
    public void TwoRanksResumeFromRankZerosCheckpoint()
    {
        var orl = SharedData.Require("data", "orl");
        MpiRun.RequireMpirun();
        var root = Directory.CreateTempSubdirectory("faceboost-dist-resume-").FullName;
        try
        {
            var limit = TimeSpan.FromSeconds(90);
            var single = MpiRun.Succeed(MpiRun.Cli([.. TrainArgs(orl, Path.Combine(root, "single"), epochs: 2), "--micro-batches", "2"], 1), limit);
            var mpiDir = Path.Combine(root, "mpi");
            var first = MpiRun.Succeed(MpiRun.Cli(TrainArgs(orl, mpiDir, epochs: 1), 2), limit);
            var optionsPath = RecognitionTrainer.OptionsPath(mpiDir);
            // Extend the finished 1-epoch run to 2 epochs (constant lr: the default step schedule has no milestones).
            var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(optionsPath))!;
            json["epochs"] = 2;
            File.WriteAllText(optionsPath, json.ToJsonString());
            Assert.Equal(2, RecognitionTrainer.ReadOptions(mpiDir).Epochs);
            var resumed = MpiRun.Succeed(MpiRun.Cli(["train", "--run-dir", mpiDir, "--resume"], 2), limit);
            Assert.Contains("steps 20", resumed.Output);

            var (diff, key, n) = CompareParameters(Path.Combine(root, "single"), mpiDir);
            log.WriteLine($"2 ranks, 1 epoch + resume 1 epoch vs 1 process × 2 micro-batches, 2 epochs: max |Δw| = {diff:E2} over {n} tensors (worst {key})");
            Assert.True(diff < 1e-4, $"max |Δw| {diff:E2} at {key}");
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>A rank that hangs (SIGSTOP: mpirun cannot notice) makes its peer fail by FACEBOOST_DIST_TIMEOUT with a
    /// clear message, and the job ends; a rank that dies (SIGKILL) ends the job through mpirun. Neither hangs.</summary>
    [SkippableTheory]
    [InlineData(MpiRun.SigStop)]
    [InlineData(MpiRun.SigKill)]
    public void LosingARankFailsTheJobInsteadOfHanging(int signal)
    {
        var orl = SharedData.Require("data", "orl");
        MpiRun.RequireMpirun();
        var root = Directory.CreateTempSubdirectory("faceboost-dist-kill-").FullName;
        try
        {
            var runDir = Path.Combine(root, "run");
            var env = new Dictionary<string, string> { ["FACEBOOST_DIST_TIMEOUT"] = "5" };
            TimeSpan? signalledAt = null;
            var start = DateTime.UtcNow;
            var outcome = MpiRun.Run(MpiRun.Cli(TrainArgs(orl, runDir, epochs: 50), 2, env), TimeSpan.FromSeconds(150), p =>
            {
                // Wait until training runs (rank 0 has logged a step), then take rank 1 away.
                var stats = RecognitionTrainer.StatsPath(runDir);
                var deadline = DateTime.UtcNow.AddSeconds(90); // start-up is slow on a loaded CI machine
                while (DateTime.UtcNow < deadline && !p.HasExited && !(File.Exists(stats) && new FileInfo(stats).Length > 0))
                    Thread.Sleep(100);
                var rank1 = MpiRun.FindRank(p.Id, 1);
                Assert.True(rank1 is not null, "rank 1's process was not found under mpirun");
                signalledAt = DateTime.UtcNow - start;
                MpiRun.Signal(rank1!.Value, signal);
            });
            var failAfter = outcome.Elapsed - signalledAt!.Value;
            log.WriteLine($"signal {signal} to rank 1 at {signalledAt.Value.TotalSeconds:0.0} s; mpirun exited {outcome.ExitCode} " +
                          $"{failAfter.TotalSeconds:0.0} s later. Output tail:\n{string.Join('\n', outcome.Output.Split('\n').TakeLast(12))}");
            Assert.False(outcome.TimedOut, "the job hung: " + outcome.Output);
            Assert.NotEqual(0, outcome.ExitCode);
            if (signal == MpiRun.SigStop)
                Assert.Contains("did not complete within 5 s", outcome.Output);
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }
}
