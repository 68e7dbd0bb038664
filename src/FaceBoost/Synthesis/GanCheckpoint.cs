using System.Text;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Synthesis;

/// <summary>One-file GAN checkpoint: magic, JSON header (options + scalar state), then G_ema and, for training
/// checkpoints, G, D, both Adam states and the torch RNG. Written to a temp file and renamed (atomic).
/// G_ema comes first so <see cref="LoadGenerator"/> reads only what it needs.</summary>
public static class GanCheckpoint
{
    private const string Magic = "FBGAN1";

    public sealed record Header(GeneratorOptions Generator, DiscriminatorOptions? Discriminator, GanTrainState? State, bool HasTraining);

    public sealed record Training(StyleGenerator G, StyleDiscriminator D, TorchSharp.Modules.Adam OptG, TorchSharp.Modules.Adam OptD, GanTrainState State);

    public static void Save(string path, StyleGenerator gEma, Training? training)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        var tmp = Path.Combine(dir, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        try
        {
            using (var fs = new FileStream(tmp, FileMode.Create, FileAccess.Write))
            using (var w = new BinaryWriter(fs, Encoding.UTF8))
            {
                var header = new Header(gEma.Options, training?.D.Options, training?.State, training is not null);
                w.Write(Magic);
                w.Write(JsonSerializer.Serialize(header));
                gEma.save(w);
                if (training is not null)
                {
                    training.G.save(w);
                    training.D.save(w);
                    training.OptG.save_state_dict(w);
                    training.OptD.save_state_dict(w);
                    using var rng = torch.get_rng_state();
                    var bytes = rng.data<byte>().ToArray();
                    w.Write(bytes.Length);
                    w.Write(bytes);
                }
                w.Flush();
                fs.Flush(flushToDisk: true);
            }
            File.Move(tmp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }

    public static Header ReadHeader(string path)
    {
        using var fs = OpenChecked(path);
        using var r = new BinaryReader(fs, Encoding.UTF8);
        return ReadHeader(r, path);
    }

    /// <summary>The EMA generator (eval mode) of a checkpoint.</summary>
    public static StyleGenerator LoadGenerator(string path)
    {
        using var fs = OpenChecked(path);
        using var r = new BinaryReader(fs, Encoding.UTF8);
        var h = ReadHeader(r, path);
        var g = new StyleGenerator(h.Generator);
        g.load(r);
        g.eval();
        return g;
    }

    /// <summary>Restores a training checkpoint into already-built networks and optimizers; returns the state.</summary>
    public static GanTrainState LoadTraining(string path, StyleGenerator gEma, StyleGenerator g, StyleDiscriminator d,
        TorchSharp.Modules.Adam optG, TorchSharp.Modules.Adam optD)
    {
        using var fs = OpenChecked(path);
        using var r = new BinaryReader(fs, Encoding.UTF8);
        var h = ReadHeader(r, path);
        if (!h.HasTraining || h.State is null) throw new InvalidDataException($"{path}: checkpoint has no training state (generator-only file)");
        if (h.Generator != g.Options) throw new InvalidDataException($"{path}: generator options {h.Generator} differ from this run's {g.Options}");
        gEma.load(r);
        g.load(r);
        d.load(r);
        optG.load_state_dict(r);
        optD.load_state_dict(r);
        var len = r.ReadInt32();
        var bytes = r.ReadBytes(len);
        using var rng = torch.tensor(bytes, dtype: ScalarType.Byte);
        torch.set_rng_state(rng);
        return h.State;
    }

    private static FileStream OpenChecked(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"GAN checkpoint {path} does not exist", path);
        return new FileStream(path, FileMode.Open, FileAccess.Read);
    }

    private static Header ReadHeader(BinaryReader r, string path)
    {
        string magic;
        try { magic = r.ReadString(); } catch (Exception e) { throw new InvalidDataException($"{path}: not a FaceBoost GAN checkpoint ({e.Message})"); }
        if (magic != Magic) throw new InvalidDataException($"{path}: not a FaceBoost GAN checkpoint (magic '{magic}')");
        return JsonSerializer.Deserialize<Header>(r.ReadString()) ?? throw new InvalidDataException($"{path}: empty header");
    }
}
