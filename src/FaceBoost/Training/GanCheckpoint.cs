using FaceBoost.Nets;
using FaceBoost.Nets.StyleGan;
using static TorchSharp.torch;

namespace FaceBoost.Training;

/// <summary>GAN checkpoints in the one container (kind <see cref="Kind"/>): "G_ema.*" always; for training checkpoints
/// also "G.*", "D.*", "optim.G.*", "optim.D.*" and the torch RNG state ("rng"). The header holds the network
/// options and the scalar training state. Loads from a file or a run folder (its latest checkpoint).</summary>
public static class GanCheckpoint
{
    public const string Kind = "faceboost.gan";

    public sealed record Header(GeneratorOptions Generator, DiscriminatorOptions? Discriminator, GanTrainState? State, bool HasTraining);

    public static Header ReadHeader(string path)
    {
        var file = Resolve(path);
        using var content = new CheckpointContent(file, CheckpointFile.ReadHeader(file, Kind), []);
        return CheckHeader(content);
    }

    /// <summary>The EMA generator (eval mode) of a checkpoint or run folder.</summary>
    public static StyleGenerator LoadGenerator(string path)
    {
        using var content = CheckpointFile.Read(Resolve(path), Kind);
        var h = CheckHeader(content);
        // Header sizes against the stored tensors before the network is built.
        content.ExpectShape("G_ema.mapping.fc0.weight", h.Generator.WDim, h.Generator.ZDim);
        content.ExpectShape("G_ema.mapping.w_avg", h.Generator.WDim);
        var g = new StyleGenerator(h.Generator);
        try { content.LoadModule(g, "G_ema."); }
        catch
        {
            g.Dispose();
            throw;
        }
        g.eval();
        return g;
    }

    /// <summary>The EMA generator frozen for inversion (the encoder stage).</summary>
    public static FrozenStyleGenerator LoadFrozen(string path, NoiseMode noise = NoiseMode.Const) => new(LoadGenerator(path), noise);

    /// <summary>Writes a generator-only checkpoint (no training state).</summary>
    public static void SaveGenerator(string path, StyleGenerator g) =>
        CheckpointFile.Write(path, Kind, new Header(g.Options, null, null, false), RecognitionCheckpoint.StateOf(g, "G_ema."));

    internal static Header CheckHeader(CheckpointContent content)
    {
        var h = content.HeaderAs<Header>();
        var g = h.Generator ?? throw new CheckpointException(content.Path, "the header has no generator options");
        try { g.Validate(); }
        catch (ArgumentException e) { throw new CheckpointException(content.Path, $"declares an invalid generator ({e.Message})"); }
        if (g.ZDim > 4096 || g.WDim > 4096 || g.MappingLayers > 64 || g.ChannelMax > 4096 || g.ChannelBase > 1 << 20)
            throw new CheckpointException(content.Path, $"declares an implausible generator {g}");
        if (h.HasTraining && (h.State is null || h.Discriminator is null))
            throw new CheckpointException(content.Path, "says it has training state but lacks it");
        return h;
    }

    private static string Resolve(string path)
    {
        try { return TrainingRun.Resolve(path); }
        catch (FileNotFoundException e) { throw new CheckpointException(path, e.Message); }
    }
}
