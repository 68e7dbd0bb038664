using System.Text.Json.Nodes;
using FaceBoost.Cli;
using FaceBoost.Tests.Distributed;
using FaceBoost.Training;
using Xunit.Abstractions;

namespace FaceBoost.Tests.Fuzz;

/// <summary>`faceboost train` SIGKILLed at exact moments of the checkpoint path (through the FACEBOOST_FAULT hook, see
/// Runtime/FaultPoint.cs): mid-write of the checkpoint's temp file, between its write and its rename, and mid-update of
/// the <c>latest</c> pointer; then `--resume`. Afterwards no temp file is left, stats.jsonl has every step exactly once,
/// and a truncated newest checkpoint falls back to the older one with a message; `train-gan`, on the same TrainingRun
/// spine, likewise after kills in the write and the pointer update. A disk-full error at a checkpoint
/// stops the run with `faceboost train: …` exit 3 and keeps the last good checkpoint.</summary>
public sealed class CheckpointKillTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(180);
    private const int SigKilled = 128 + 9;
    // 4 identities × 8 images, batch 8: 4 steps an epoch, 8 in all; checkpoints at steps 2, 4 (epoch end), 6 and 8.
    private const int TotalSteps = 8;
    private const string Step2 = "ckpt-e000-b00002-s00000002.fbck", Step4 = "ckpt-e001-b00000-s00000004.fbck";

    private static string[] Args(string data, string dir) =>
    [
        "train", "--data", data, "--backbone", "iresnet18", "--input-size", "32", "--width", "8", "--embedding-size", "16",
        "--epochs", "2", "--batch-size", "8", "--lr", "0.05", "--seed", "3", "--workers", "1", "--threads", "1",
        "--log-every", "1", "--checkpoint-every", "2", "--run-dir", dir,
    ];

    private static MpiRun.Outcome Train(string[] args, string? fault = null) =>
        MpiRun.Run(MpiRun.Cli(args, 1, fault is null ? null : new Dictionary<string, string> { ["FACEBOOST_FAULT"] = fault }), Limit);

    private static string[] Temps(string dir) => Directory.GetFiles(dir, "*.tmp").Select(Path.GetFileName).OfType<string>().ToArray();

    private static string Latest(string dir) => File.ReadAllText(Path.Combine(dir, TrainingRun.LatestFile)).Trim();

    /// <summary>Resumes to the end and checks the hygiene every kill must leave possible.</summary>
    private string ResumeAndCheck(string data, string dir)
    {
        var resumed = MpiRun.Succeed(MpiRun.Cli([.. Args(data, dir), "--resume"], 1), Limit);
        Assert.Contains($"steps {TotalSteps}", resumed.Output);
        Assert.Empty(Temps(dir));
        var steps = File.ReadAllLines(TrainingRun.StatsPath(dir)).Select(l => JsonNode.Parse(l)!["step"]!.GetValue<long>()).ToList();
        Assert.Equal(Enumerable.Range(1, TotalSteps).Select(i => (long)i), steps); // each step once, in order
        Assert.Equal("ckpt-e002-b00000-s00000008.fbck", Latest(dir));
        CheckpointFile.Read(Path.Combine(dir, Latest(dir)), RecognitionTrainer.Kind).Dispose();
        return resumed.Output;
    }

    [Fact]
    public void Kills_during_the_checkpoint_write_the_rename_and_the_pointer_update_resume_cleanly() => MpiRun.InTempFolder("fb-ckptkill-", root =>
    {
        var data = Path.Combine(root, "data");
        PackKillTests.WriteTree(data, 4, 8, 11);
        long fullSize = 0;

        // 1. Killed while the temp file of the second checkpoint is half written.
        var dir = Path.Combine(root, "write");
        var killed = Train(Args(data, dir), "ckpt-write@2");
        Assert.True(killed.ExitCode == SigKilled, $"exit {killed.ExitCode}, expected SIGKILL\n{killed.Output}");
        var temp = Assert.Single(Temps(dir));
        Assert.StartsWith("." + Step4 + ".", temp);
        Assert.Equal(Step2, Latest(dir));
        fullSize = new FileInfo(Path.Combine(dir, Step2)).Length;
        Assert.True(new FileInfo(Path.Combine(dir, temp)).Length < fullSize, "the temp file should be partial");
        var said = ResumeAndCheck(data, dir);
        Assert.Contains($"resuming from {Step2}", said);
        output.WriteLine($"ckpt-write: left {temp}; resumed from {Step2}; stats steps 1..{TotalSteps} once each, no temp left");

        // 2. Killed with the temp file complete and flushed, before the rename.
        dir = Path.Combine(root, "rename");
        killed = Train(Args(data, dir), "ckpt-rename@2");
        Assert.True(killed.ExitCode == SigKilled, $"exit {killed.ExitCode}, expected SIGKILL\n{killed.Output}");
        temp = Assert.Single(Temps(dir));
        Assert.StartsWith("." + Step4 + ".", temp);
        // Complete: the same tensors as step 2's file; only the JSON header's numbers may differ in length by a few bytes.
        Assert.InRange(new FileInfo(Path.Combine(dir, temp)).Length, fullSize - 64, fullSize + 64);
        Assert.False(File.Exists(Path.Combine(dir, Step4)));
        Assert.Equal(Step2, Latest(dir));
        said = ResumeAndCheck(data, dir);
        Assert.Contains($"resuming from {Step2}", said);
        output.WriteLine($"ckpt-rename: left {temp} (complete, {fullSize} bytes); resumed from {Step2}");

        // 3. Killed mid-update of `latest`: the new checkpoint is published, the pointer still names the old one.
        dir = Path.Combine(root, "pointer");
        killed = Train(Args(data, dir), "pointer@2");
        Assert.True(killed.ExitCode == SigKilled, $"exit {killed.ExitCode}, expected SIGKILL\n{killed.Output}");
        temp = Assert.Single(Temps(dir));
        Assert.StartsWith("." + TrainingRun.LatestFile + ".", temp);
        Assert.Equal(Step4, File.ReadAllText(Path.Combine(dir, temp)).Trim());
        Assert.True(File.Exists(Path.Combine(dir, Step4)));
        Assert.Equal(Step2, Latest(dir));
        said = ResumeAndCheck(data, dir);
        Assert.Contains($"resuming from {Step2}", said);
        output.WriteLine($"pointer: left {temp} naming {Step4}, latest still {Step2}; resumed from {Step2}");

        // 4. The newest checkpoint (the one `latest` names) truncated, as a torn write surviving a power cut would be:
        //    the resume falls back to the older intact one and says why.
        dir = Path.Combine(root, "truncated");
        killed = Train(Args(data, dir), "ckpt-rename@3");
        Assert.True(killed.ExitCode == SigKilled, $"exit {killed.ExitCode}, expected SIGKILL\n{killed.Output}");
        Assert.Equal(Step4, Latest(dir));
        var newest = Path.Combine(dir, Step4);
        var bytes = File.ReadAllBytes(newest);
        File.WriteAllBytes(newest, bytes.AsSpan(0, bytes.Length / 3).ToArray());
        said = ResumeAndCheck(data, dir);
        var note = said.Split('\n').FirstOrDefault(l => l.Contains("older checkpoint", StringComparison.Ordinal));
        Assert.True(note is not null && note.Contains(Step2) && note.Contains("truncated"), "no fallback message:\n" + said);
        output.WriteLine($"truncated newest: {note!.Trim()}");
    });

    [Fact]
    public void The_gan_trainer_on_the_same_spine_resumes_cleanly_after_kills_in_the_write_and_the_pointer_update() => MpiRun.InTempFolder("fb-gankill-", root =>
    {
        var data = Path.Combine(root, "data");
        PackKillTests.WriteTree(data, 4, 8, 12);
        // 32 images, batch 4: 8 steps to 0.032 kimg; checkpoints at step 0 and every 8 images (steps 2, 4, 6, 8).
        string[] Gan(string dir) =>
        [
            "train-gan", "--data", data, "--resolution", "16", "--batch-size", "4", "--kimg", "0.032", "--z-dim", "16", "--w-dim", "16",
            "--mapping-layers", "1", "--channel-base", "64", "--channel-max", "16", "--snap", "0.008", "--sample-every", "0.016",
            "--fd-images", "16", "--threads", "1", "--seed", "2", "--run-dir", dir,
        ];
        foreach (var fault in new[] { "ckpt-write@3", "pointer@3" })
        {
            var dir = Path.Combine(root, fault.Replace('@', '-'));
            var killed = Train(Gan(dir), fault);
            Assert.True(killed.ExitCode == SigKilled, $"{fault}: exit {killed.ExitCode}, expected SIGKILL\n{killed.Output}");
            Assert.Single(Temps(dir));
            Assert.Equal("ckpt-s00000002.fbck", Latest(dir));
            var resumed = MpiRun.Succeed(MpiRun.Cli([.. Gan(dir), "--resume"], 1), Limit);
            Assert.Contains("resumed at 0.01 kimg", resumed.Output);
            Assert.Empty(Temps(dir));
            var kimgs = File.ReadAllLines(TrainingRun.StatsPath(dir)).Select(l => JsonNode.Parse(l)!["kimg"]!.GetValue<double>()).ToList();
            for (var i = 1; i < kimgs.Count; i++) Assert.True(kimgs[i] > kimgs[i - 1], $"{fault}: stats.jsonl repeats or goes back at line {i + 1}: {string.Join(", ", kimgs)}");
            Assert.Equal(0.032, kimgs[^1], 6);
            Assert.Equal("ckpt-s00000008.fbck", Latest(dir));
            output.WriteLine($"train-gan {fault}: resumed from ckpt-s00000002.fbck; stats kimg {string.Join(", ", kimgs)}");
        }
    });

    [Fact]
    public void Disk_full_at_a_checkpoint_stops_with_exit_3_and_keeps_the_last_good_checkpoint() => MpiRun.InTempFolder("fb-ckptfull-", root =>
    {
        var data = Path.Combine(root, "data");
        PackKillTests.WriteTree(data, 4, 8, 11);
        var dir = Path.Combine(root, "run");
        // ENOSPC while writing the second checkpoint (an IOException from the stream, as a full disk gives).
        var full = Train(Args(data, dir), "enospc:ckpt-write@2");
        Assert.True(full.ExitCode == ExitCodes.Io, $"exit {full.ExitCode}, expected {ExitCodes.Io}\n{full.Output}");
        var last = full.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last().Trim();
        Assert.StartsWith("faceboost train: ", last);
        Assert.Contains("No space left on device", last);
        Assert.DoesNotContain("   at ", full.Output);
        Assert.Empty(Temps(dir)); // the failed write removed its temp file
        Assert.Equal(Step2, Latest(dir));
        Assert.False(File.Exists(Path.Combine(dir, Step4)));
        CheckpointFile.Read(Path.Combine(dir, Step2), RecognitionTrainer.Kind).Dispose();
        output.WriteLine($"disk full: '{last}', exit {full.ExitCode}; {Step2} intact and named by latest");
        // Space freed: the run resumes from the kept checkpoint.
        var said = ResumeAndCheck(data, dir);
        Assert.Contains($"resuming from {Step2}", said);
    });
}
