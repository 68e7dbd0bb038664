using System.Runtime.InteropServices;
using FaceBoost.Runtime;

namespace FaceBoost.Interop;

/// <summary>Publishes a `.rec`/`.idx` pair so that a kill at any moment leaves either the old pair or the new one.
/// The pair's files live together in a generation folder `.NAME.pair-PID-STAMP/`; `.NAME.pair` is a symlink to the
/// current generation, and `NAME.rec`/`NAME.idx` are fixed symlinks through it. Publishing is one rename of the
/// `.NAME.pair` link, so both names switch together. An `.idx` in another folder links through the same `.NAME.pair`
/// (by a relative path), so it switches with that one rename too. MXNet and every FaceBoost reader simply follow the links.
/// An old pair of plain files is first moved (hard-linked) into a generation of its own, so it stays readable
/// throughout. Generations no longer referenced (older ones, killed writes) are deleted on the next publish.</summary>
public static class RecordPairPublisher
{
    /// <summary>A fresh, unreferenced generation folder for a pair that will be published at <paramref name="recPath"/>.</summary>
    public static string NewGeneration(string recPath)
    {
        var full = Path.GetFullPath(recPath);
        var dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        RemoveUnreferenced(dir, Path.GetFileName(full));
        var gen = Path.Combine(dir, $"{PairLinkName(full)}-{Environment.ProcessId}-{DateTime.UtcNow.Ticks:x}");
        Directory.CreateDirectory(gen);
        return gen;
    }

    /// <summary>Makes the pair in <paramref name="generation"/> (files named like the targets) the one that
    /// <paramref name="recPath"/> and <paramref name="idxPath"/> (beside it or in another folder; another file name) read.</summary>
    public static void Publish(string generation, string recPath, string idxPath)
    {
        string rec = Path.GetFullPath(recPath), idx = Path.GetFullPath(idxPath), dir = Path.GetDirectoryName(rec)!, idxDir = Path.GetDirectoryName(idx)!;
        if (Path.GetFileName(idx) == Path.GetFileName(rec)) throw new ArgumentException($"{idx}: the .idx needs another file name than the .rec ({rec})");
        string pairLink = Path.Combine(dir, PairLinkName(rec));
        string recVia = Path.Combine(PairLinkName(rec), Path.GetFileName(rec));
        string idxVia = Path.GetRelativePath(idxDir, Path.Combine(dir, PairLinkName(rec), Path.GetFileName(idx)));
        AtomicFile.SyncDirectory(generation);
        if (!IsLinkTo(rec, recVia) || !IsLinkTo(idx, idxVia)) AdoptOldPair(dir, rec, idx, pairLink, recVia, idxVia);
        ReplaceWithLink(pairLink, Path.GetFileName(generation)); // the one switch
        AtomicFile.SyncDirectory(dir);
        // Names that are not links yet (first publish into an empty folder): .idx first, so a .rec never stands without one.
        if (!IsLinkTo(idx, idxVia)) ReplaceWithLink(idx, idxVia);
        if (!IsLinkTo(rec, recVia)) ReplaceWithLink(rec, recVia);
        AtomicFile.SyncDirectory(idxDir);
        AtomicFile.SyncDirectory(dir);
        RemoveUnreferenced(dir, Path.GetFileName(rec));
        if (idxDir != dir) AtomicFile.RemoveStaleTemps(idxDir);
    }

    /// <summary>Deletes generation folders of this pair that the current link does not name, unless a live
    /// process other than this one is still writing them.</summary>
    public static int RemoveUnreferenced(string dir, string recName)
    {
        if (!Directory.Exists(dir)) return 0;
        var link = Path.Combine(dir, "." + recName + ".pair");
        var current = new FileInfo(link).LinkTarget is string t ? Path.GetFileName(t) : null;
        int removed = 0;
        foreach (var gen in Directory.EnumerateDirectories(dir, "." + recName + ".pair-*"))
        {
            var name = Path.GetFileName(gen);
            if (name == current || new DirectoryInfo(gen).LinkTarget is not null) continue;
            var parts = name[(recName.Length + 7)..].Split('-');
            if (parts.Length >= 2 && int.TryParse(parts[0], out var pid) && pid != Environment.ProcessId && IsAlive(pid)) continue;
            try { Directory.Delete(gen, recursive: true); removed++; } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
        AtomicFile.RemoveStaleTemps(dir);
        return removed;
    }

    private static string PairLinkName(string recFullPath) => "." + Path.GetFileName(recFullPath) + ".pair";

    // An existing pair of plain files (or foreign links) becomes a generation of its own, then the names are
    // turned into links through the pair link one at a time: each step leaves both names reading the old pair.
    private static void AdoptOldPair(string dir, string rec, string idx, string pairLink, string recVia, string idxVia)
    {
        if (!File.Exists(rec) || !File.Exists(idx)) return; // no complete old pair to keep
        var old = Path.Combine(dir, $"{PairLinkName(rec)}-{Environment.ProcessId}-{DateTime.UtcNow.Ticks:x}-old");
        Directory.CreateDirectory(old);
        LinkOrCopy(rec, Path.Combine(old, Path.GetFileName(rec)));
        LinkOrCopy(idx, Path.Combine(old, Path.GetFileName(idx)));
        AtomicFile.SyncDirectory(old);
        ReplaceWithLink(pairLink, Path.GetFileName(old));
        ReplaceWithLink(idx, idxVia);
        ReplaceWithLink(rec, recVia);
        AtomicFile.SyncDirectory(Path.GetDirectoryName(idx)!);
        AtomicFile.SyncDirectory(dir);
    }

    private static bool IsLinkTo(string path, string target) => new FileInfo(path).LinkTarget == target;

    private static void ReplaceWithLink(string path, string target)
    {
        var tmp = AtomicFile.TempPathFor(path);
        if (File.Exists(tmp) || new FileInfo(tmp).LinkTarget is not null) File.Delete(tmp);
        File.CreateSymbolicLink(tmp, target);
        if (rename(tmp, path) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            File.Delete(tmp);
            throw new IOException($"{path}: cannot publish the RecordIO pair (rename failed, errno {errno})");
        }
    }

    private static void LinkOrCopy(string source, string dest)
    {
        var real = File.ResolveLinkTarget(source, returnFinalTarget: true)?.FullName ?? source;
        if (OperatingSystem.IsWindows() || link(real, dest) != 0) File.Copy(real, dest, overwrite: true);
    }

    private static bool IsAlive(int pid)
    {
        try { using var p = System.Diagnostics.Process.GetProcessById(pid); return !p.HasExited; }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }

    [DllImport("libc", SetLastError = true)] private static extern int rename(string oldpath, string newpath);
    [DllImport("libc", SetLastError = true)] private static extern int link(string oldpath, string newpath);
}
