using System.Diagnostics;
using FaceBoost.Imaging;
using FaceBoost.Interop;
using FaceBoost.Tests.Distributed;
using Xunit.Abstractions;

namespace FaceBoost.Tests.Fuzz;

/// <summary>`faceboost pack` killed (SIGKILL) at moments spread over its whole run, over an existing pack: afterwards
/// train.rec/train.idx always read as one consistent pair, either the old one or the new one, and the next completed
/// run leaves no temp file or unreferenced generation behind.</summary>
[Collection(Recognition.RecognitionCollection.Name)]
public sealed class PackKillTests(ITestOutputHelper output)
{
    /// <summary>An identity tree of noise PNGs (48 px), written at run time; also the kill tests' training data.</summary>
    internal static void WriteTree(string root, int identities, int perIdentity, int seed)
    {
        var rng = new Random(seed);
        for (int id = 0; id < identities; id++)
        {
            var dir = Path.Combine(root, $"id{id:000}");
            Directory.CreateDirectory(dir);
            for (int k = 0; k < perIdentity; k++)
            {
                var img = new RgbImage(48, 48);
                for (int i = 0; i < img.Pixels.Length; i++) img.Pixels[i] = (float)rng.NextDouble();
                File.WriteAllBytes(Path.Combine(dir, $"{k:000}.png"), FaceBoost.Imaging.ImageWriter.Encode(img, png: true));
            }
        }
    }

    /// <summary>Image count of the pair at <paramref name="outDir"/>, after reading every record (throws when inconsistent).</summary>
    private static int ReadPair(string outDir)
    {
        using var ds = InsightfaceRecordDataset.Open(outDir);
        for (int i = 0; i < ds.Count; i++) ds.ReadImageBytes(i);
        ds.Decode(0);
        ds.Decode(ds.Count - 1);
        return ds.Count;
    }

    /// <summary>Temp files and generation folders other than the published one.</summary>
    private static string[] Leftovers(string outDir)
    {
        var current = new FileInfo(Path.Combine(outDir, ".train.rec.pair")).LinkTarget;
        return Directory.EnumerateFileSystemEntries(outDir, "*", SearchOption.TopDirectoryOnly)
            .Select(p => Path.GetFileName(p)!)
            .Where(n => n.EndsWith(".tmp", StringComparison.Ordinal) || n.Contains(".pair-", StringComparison.Ordinal) && n != current).ToArray();
    }

    [Fact]
    public void A_killed_pack_leaves_the_old_pair_or_the_new_pair_and_the_next_run_cleans_up() => MpiRun.InTempFolder("fb-packkill-", root =>
    {
        string treeA = Path.Combine(root, "a"), treeB = Path.Combine(root, "b"), outDir = Path.Combine(root, "out");
        const int countA = 3 * 30, countB = 4 * 30;
        WriteTree(treeA, 3, 30, 1);
        WriteTree(treeB, 4, 30, 2);
        ProcessStartInfo Pack(string tree) => MpiRun.Cli(["pack", "--input", tree, "--output", outDir, "--quality", "90"], 1);

                MpiRun.Succeed(Pack(treeB), TimeSpan.FromMinutes(2));
        Assert.Equal(countB, ReadPair(outDir));
        // A second, warm run sets the time scale the kills are spread over.
        var duration = MpiRun.Succeed(Pack(treeA), TimeSpan.FromMinutes(2)).Elapsed;
        Assert.Equal(countA, ReadPair(outDir));
        output.WriteLine($"one pack run: {duration.TotalMilliseconds:0} ms");

        int current = countA, kills = 0, sawOld = 0, sawNew = 0;
        var rng = new Random(5);
        for (int round = 0; round < 14; round++)
        {
            bool toB = round % 2 == 0;
            int target = toB ? countB : countA;
            // Kill moments spread over the run (start-up, encoding, writing, publishing).
            var delay = TimeSpan.FromMilliseconds(duration.TotalMilliseconds * (0.15 + 0.85 * rng.NextDouble()));
            var outcome = MpiRun.Run(Pack(toB ? treeB : treeA), TimeSpan.FromMinutes(2), p =>
            {
                if (!p.WaitForExit(delay)) { p.Kill(); kills++; }
            });
            int found = ReadPair(outDir); // must not throw: one consistent pair at every moment
            Assert.True(found == current || found == target, $"round {round}: {found} images, expected the old {current} or the new {target}\n{outcome.Output}");
            if (found == current && found != target) sawOld++; else sawNew++;
            current = found;
        }
        output.WriteLine($"{kills} kills; afterwards the old pair {sawOld}×, the new pair {sawNew}×");
        Assert.True(kills >= 3, $"only {kills} of the runs were killed (pack finished first)");

        // A completed run removes what the killed ones left.
        var last = MpiRun.Succeed(Pack(treeB), TimeSpan.FromMinutes(2));
        Assert.Equal(countB, ReadPair(outDir));
        var litter = Leftovers(outDir);
        Assert.True(litter.Length == 0, "left behind: " + string.Join(", ", litter));
        Assert.Equal(".train.rec.pair/train.rec", new FileInfo(Path.Combine(outDir, "train.rec")).LinkTarget);
    });

    [Fact]
    public void Publishing_over_plain_files_adopts_them_and_a_second_publish_drops_the_first_generation()
    {
        MpiRun.InTempFolder("fb-pairpub-", dir =>
        {
            var rec = Path.Combine(dir, "train.rec");
            void Write(int n)
            {
                using var w = new RecordIoWriter(rec);
                for (int k = 0; k < n; k++) w.Write(k, IrHeader.Scalar(0, (ulong)k).Pack(new byte[5 + k]));
                w.Complete();
            }
            // Plain old pair, as a previous version (or MXNet) wrote it.
            using (var fs = File.Create(rec)) RecordIoWriter.WriteFramed(fs, IrHeader.Scalar(0, 0).Pack([1, 2, 3]));
            File.WriteAllText(Path.Combine(dir, "train.idx"), "0\t0\n");
            using (var r = new RecordIoReader(rec)) Assert.Single(r.Keys);

            Write(3);
            using (var r = new RecordIoReader(rec)) Assert.Equal(3, r.Keys.Count);
            Write(5);
            using (var r = new RecordIoReader(rec)) Assert.Equal(5, r.Keys.Count);
            var entries = Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
            // The two names, the pair link and exactly one generation folder.
            Assert.Equal(4, entries.Length);
            Assert.Single(entries, e => e!.StartsWith(".train.rec.pair-", StringComparison.Ordinal));
        });
    }

    [Fact]
    public void An_idx_in_another_folder_switches_with_the_rec_through_the_one_pair_link()
    {
        MpiRun.InTempFolder("fb-pairsplit-", root =>
        {
            string recDir = Path.Combine(root, "rec"), idxDir = Path.Combine(root, "meta");
            string rec = Path.Combine(recDir, "train.rec"), idx = Path.Combine(idxDir, "train.idx");
            void Write(int n)
            {
                using var w = new RecordIoWriter(rec, idx);
                for (int k = 0; k < n; k++) w.Write(k, IrHeader.Scalar(0, (ulong)k).Pack(new byte[5 + k]));
                w.Complete();
            }
            int Keys() { using var r = new RecordIoReader(rec, idx); return r.Keys.Count; }

            // A plain old pair in two folders, adopted on the first publish.
            Directory.CreateDirectory(recDir);
            Directory.CreateDirectory(idxDir);
            using (var fs = File.Create(rec)) RecordIoWriter.WriteFramed(fs, IrHeader.Scalar(0, 0).Pack([1, 2, 3]));
            File.WriteAllText(idx, "0\t0\n");
            Write(3);
            Assert.Equal(3, Keys());
            // Both names resolve through .train.rec.pair: renaming that one link switches the .rec and the .idx together.
            Assert.Equal(".train.rec.pair/train.rec", new FileInfo(rec).LinkTarget);
            Assert.Equal("../rec/.train.rec.pair/train.idx", new FileInfo(idx).LinkTarget);
            var first = new FileInfo(Path.Combine(recDir, ".train.rec.pair")).LinkTarget;

            // A writer killed before its switch (abandoned here) changes nothing that is read.
            using (var w = new RecordIoWriter(rec, idx)) w.Write(0, [9, 9]);
            Assert.Equal(3, Keys());

            Write(5);
            Assert.Equal(5, Keys());
            Assert.NotEqual(first, new FileInfo(Path.Combine(recDir, ".train.rec.pair")).LinkTarget);
            Assert.Equal(["train.idx"], Directory.EnumerateFileSystemEntries(idxDir).Select(e => Path.GetFileName(e)!).ToArray());
            var recEntries = Directory.EnumerateFileSystemEntries(recDir).Select(Path.GetFileName).ToArray();
            Assert.Equal(3, recEntries.Length); // train.rec, the pair link and exactly one generation
            Assert.Single(recEntries, e => e!.StartsWith(".train.rec.pair-", StringComparison.Ordinal));

            // The two files of a pair share one generation folder, so they need different names.
            Assert.Throws<ArgumentException>(() => new RecordIoWriter(rec, Path.Combine(idxDir, "train.rec")));
        });
    }

    [Fact]
    public void An_abandoned_writer_publishes_nothing_and_leaves_nothing()
    {
        MpiRun.InTempFolder("fb-pairabandon-", dir =>
        {
            var rec = Path.Combine(dir, "train.rec");
            using (var w = new RecordIoWriter(rec)) w.Write(0, [1, 2, 3]);
            Assert.Empty(Directory.EnumerateFileSystemEntries(dir));
        });
    }
}
