using System.Diagnostics;
using FaceBoost.Tests.Distributed;
using FaceBoost.Tests.Encoder;
using FaceBoost.Training;
using Xunit.Abstractions;

namespace FaceBoost.Tests.Recognition;

/// <summary>A real SIGKILL of the `faceboost` process mid-run, then `--resume`, against an uninterrupted run with the
/// same seed (recognition and encoder: bit-identical final weights; GAN: the kimg counter and log continue where the last
/// snapshot left them). The in-process resume tests cover the state; these cover the process boundary — a killed
/// process leaves whatever it was writing, and the resumed one is a new process with a new hash seed.</summary>
[Collection(RecognitionCollection.Name)]
public sealed class KillResumeTests(ITestOutputHelper log)
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(180);

    /// <summary>Starts the CLI, SIGKILLs it once <paramref name="ready"/> holds, and returns how long it ran.</summary>
    private static TimeSpan RunAndKill(IEnumerable<string> args, Func<bool> ready)
    {
        var outcome = MpiRun.Run(MpiRun.Cli(args, 1), Limit, p =>
        {
            var deadline = DateTime.UtcNow + Limit;
            while (!p.HasExited && !Ready() && DateTime.UtcNow < deadline) Thread.Sleep(20);
            if (p.HasExited) Assert.Fail($"the run ended (exit code {p.ExitCode}) before it could be killed");
            p.Kill(); // SIGKILL on Linux: no handler, no flush
        });
        Assert.True(outcome.ExitCode != 0, "the killed run reported success:\n" + outcome.Output);
        return outcome.Elapsed;

        bool Ready()
        {
            try { return ready(); }
            catch (IOException) { return false; } // a file caught mid-write: look again
        }
    }

    [SkippableFact]
    public void RecognitionKilledMidEpochResumesToIdenticalWeights()
    {
        var orl = SharedData.Require("data", "orl");
        MpiRun.InTempFolder("faceboost-kill-", root =>
        {
            string[] Args(string dir) =>
            [
                "train", "--data", orl, "--backbone", "iresnet18", "--input-size", "32", "--width", "8", "--embedding-size", "32",
                "--epochs", "3", "--batch-size", "40", "--lr", "0.05", "--seed", "3", "--workers", "2", "--threads", "1",
                "--log-every", "1", "--checkpoint-every", "4", "--run-dir", dir,
            ];
            var full = MpiRun.Succeed(MpiRun.Cli(Args(Path.Combine(root, "full")), 1), Limit);

            var killedDir = Path.Combine(root, "killed");
            var stats = RecognitionTrainer.StatsPath(killedDir);
            // Kill in epoch 2 (steps 11–20), after at least one mid-epoch checkpoint.
            var ran = RunAndKill(Args(killedDir), () => File.Exists(stats) && File.ReadAllLines(stats).Length >= 14);
            var latest = File.ReadAllText(Path.Combine(killedDir, RecognitionCheckpoint.LatestFile)).Trim();
            var resumed = MpiRun.Succeed(MpiRun.Cli(["train", "--run-dir", killedDir, "--resume"], 1), Limit);
            Assert.Contains("steps 30", resumed.Output);

            var (_, a) = RecognitionCheckpoint.Read(RecognitionCheckpoint.Resolve(Path.Combine(root, "full")));
            var (_, b) = RecognitionCheckpoint.Read(RecognitionCheckpoint.Resolve(killedDir));
            try
            {
                Assert.Equal(a.Keys.Order(), b.Keys.Order());
                foreach (var (k, t) in a)
                    Assert.True(t.equal(b[k]).all().item<bool>(), $"'{k}' differs between the uninterrupted and the killed+resumed run");
            }
            finally
            {
                foreach (var t in a.Values.Concat(b.Values)) t.Dispose();
            }
            log.WriteLine($"killed after {ran.TotalSeconds:0.0} s, resumed from {latest}: all {a.Count} tensors bit-identical to the uninterrupted run");
        });
    }

    [SkippableFact]
    public void EncoderKilledMidEpochResumesToIdenticalWeightsAndStats()
    {
        var orl = SharedData.Require("data", "orl");
        MpiRun.InTempFolder("faceboost-kill-enc-", root =>
        {
            // An untrained tiny generator to invert: resume exactness does not depend on its quality.
            var generator = Path.Combine(root, "g" + CheckpointFile.Extension);
            using (var g = EncoderTrainingTests.TinyStyleGenerator()) GanCheckpoint.SaveGenerator(generator, g);
            string[] Args(string dir) =>
            [
                "train-encoder", "--generator", generator, "--data", orl, "--resolution", "32", "--batch-size", "8", "--steps", "24",
                "--lr", "0.001", "--depth", "18", "--width", "8", "--max-images", "64", "--seed", "3", "--threads", "1",
                "--log-every", "1", "--checkpoint-every", "3", "--grid-every", "100", "--run-dir", dir,
            ];
            var fullDir = Path.Combine(root, "full");
            MpiRun.Succeed(MpiRun.Cli(Args(fullDir), 1), Limit);

            var killedDir = Path.Combine(root, "killed");
            var stats = TrainingRun.StatsPath(killedDir);
            // 8 batches an epoch: kill in epoch 2 (steps 9–16), after the mid-epoch checkpoint of step 9.
            var ran = RunAndKill(Args(killedDir), () => File.Exists(stats) && File.ReadAllLines(stats).Length >= 11);
            var latest = File.ReadAllText(Path.Combine(killedDir, TrainingRun.LatestFile)).Trim();
            var resumed = MpiRun.Succeed(MpiRun.Cli(Args(killedDir), 1), Limit);
            Assert.Contains("done: 24 steps", resumed.Output);

            using var a = CheckpointFile.Read(TrainingRun.Resolve(fullDir), EncoderCheckpoint.Kind);
            using var b = CheckpointFile.Read(TrainingRun.Resolve(killedDir), EncoderCheckpoint.Kind);
            Assert.Equal(a.Tensors.Keys.Order(), b.Tensors.Keys.Order());
            Assert.Contains(a.Tensors.Keys, k => k.StartsWith(EncoderCheckpoint.OptimizerPrefix, StringComparison.Ordinal));
            foreach (var (k, t) in a.Tensors)
                Assert.True(t.equal(b.Tensors[k]).all().item<bool>(), $"'{k}' differs between the uninterrupted and the killed+resumed run");

            // The same rows, once each: step 1..24 with the same losses (throughput is wall-clock, left out).
            static List<string> Rows(string dir) => File.ReadAllLines(TrainingRun.StatsPath(dir)).Select(l =>
            {
                var row = System.Text.Json.Nodes.JsonNode.Parse(l)!.AsObject();
                row.Remove("images_per_second");
                return row.ToJsonString();
            }).ToList();
            var (fullRows, killedRows) = (Rows(fullDir), Rows(killedDir));
            Assert.Equal(24, fullRows.Count);
            Assert.Equal(fullRows, killedRows);
            log.WriteLine($"killed after {ran.TotalSeconds:0.0} s, resumed from {latest}: all {a.Tensors.Count} tensors (weights, optimizer state) bit-identical, 24 identical stats rows");
        });
    }

    [SkippableFact]
    public void GanKilledAfterASnapshotResumesTheCounterAndTheLog()
    {
        var orl = SharedData.Require("data", "orl");
        MpiRun.InTempFolder("faceboost-kill-gan-", root =>
        {
            var dir = Path.Combine(root, "gan");
            string[] args =
            [
                "train-gan", "--data", orl, "--resolution", "32", "--batch-size", "8", "--kimg", "0.4", "--z-dim", "32", "--w-dim", "32",
                "--mapping-layers", "2", "--channel-base", "256", "--channel-max", "32", "--snap", "0.04", "--sample-every", "0.04",
                "--fd-images", "50", "--threads", "1", "--run-dir", dir,
            ];
            var stats = Path.Combine(dir, "stats.jsonl");
            // Kill once the second snapshot's line is written: the first snapshot's checkpoint (0.04 kimg) is then on disk
            // (a line is written before its checkpoint; a kill between the two rightly resumes from the one before).
            RunAndKill(args, () => File.Exists(stats) && File.ReadAllLines(stats).Length >= 3);
            var resumed = MpiRun.Succeed(MpiRun.Cli([.. args, "--resume"], 1), Limit);
            Assert.Matches(@"resumed at 0\.(0[4-9]|[1-3]\d) kimg", resumed.Output);
            var kimgs = File.ReadAllLines(stats).Select(l => System.Text.Json.Nodes.JsonNode.Parse(l)!["kimg"]!.GetValue<double>()).ToList();
            log.WriteLine($"stats kimg after kill + resume: {string.Join(", ", kimgs)}");
            Assert.Equal(0.4, kimgs[^1], 6);
            for (var i = 1; i < kimgs.Count; i++) Assert.True(kimgs[i] > kimgs[i - 1], $"stats.jsonl is not increasing at line {i + 1}: {string.Join(", ", kimgs)}");
        });
    }
}
