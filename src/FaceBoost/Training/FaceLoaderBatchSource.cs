using FaceBoost.Data;

namespace FaceBoost.Training;

/// <summary>Feeds the trainer from the data layer's <see cref="FaceLoader"/> (its order and augmentation are
/// functions of (seed, epoch, index), so resume from (epoch, startBatch) is exact).</summary>
public sealed class FaceLoaderBatchSource(FaceLoader loader) : ITrainBatchSource, IDisposable
{
    public int NumClasses => loader.Dataset.IdentityCount;
    public int BatchesPerEpoch => loader.BatchesPerEpoch;
    public IReadOnlyList<string>? Identities => loader.Dataset.Identities;
    public (float Mean, float Std) Normalization => (loader.Transform.Mean, loader.Transform.Std);

    public IEnumerable<TrainBatch> Epoch(int epoch, int startBatch)
    {
        foreach (var b in loader.Epoch(epoch, startBatch))
            yield return new TrainBatch(b.Images, b.Labels, b.BatchIndex);
    }

    /// <summary>Builds the labelled dataset (folder or list file, label budget applied) and its loader; with
    /// <paramref name="worldSize"/> &gt; 1 the loader yields rank <paramref name="rank"/>'s disjoint shard of every global
    /// batch (<see cref="RecognitionTrainOptions.BatchSize"/> / worldSize samples).</summary>
    public static FaceLoaderBatchSource Create(RecognitionTrainOptions o, int rank = 0, int worldSize = 1)
    {
        o.ValidateParallel(worldSize);
        var d = o.Data;
        FaceDataset ds = d.ListFile is { } list ? FaceDataset.FromListFile(list, d.Path)
            : d.Path is { } folder ? FaceDataset.FromFolder(folder)
            : throw new ArgumentException("no training data: pass --data <folder> or --list-file <file>");
        if (d.LabelFraction < 1 || d.ImagesPerIdentity is not null)
            ds = Splits.LimitLabels(ds, d.LabelFraction, d.ImagesPerIdentity, o.Seed);
        var size = o.Backbone.InputSize;
        var transform = d.ResizeTo is { } r
            ? ImageTransform.Train(size, r, d.HorizontalFlip)
            : ImageTransform.Plain(size) with { HorizontalFlip = d.HorizontalFlip };
        var loader = new FaceLoader(ds, new LoaderOptions(o.BatchPerRank(worldSize), Workers: d.Workers, Seed: o.Seed, Rank: rank, WorldSize: worldSize), transform);
        return new FaceLoaderBatchSource(loader);
    }

    public void Dispose() => loader.Dispose();
}
