using FaceBoost.Runtime;
using FaceBoost.Synthesis;
using FaceBoost.Training;
using static TorchSharp.torch;

namespace FaceBoost.Tests.Recognition;

/// <summary>Epoch orders are fixed by (seed, epoch) alone — not by the process. They once came from HashCode.Combine,
/// which .NET randomises per process, so a resumed run, another rank, or the same experiment run twice shuffled
/// differently. Golden values pin them.</summary>
public sealed class ShuffleOrderTests
{
    public ShuffleOrderTests() => TorchRuntime.Initialize(1);

    [Fact]
    public void InMemoryBatchSourceOrderIsTheSameInEveryProcess()
    {
        using var s = new InMemoryBatchSource(zeros(10, 1, 2, 2), Enumerable.Range(0, 10).Select(i => (long)(i % 2)).ToArray(), 2, 5, seed: 7);
        Assert.Equal("4,7,6,5,8,9,0,2,3,1", string.Join(",", s.Order(3)));
    }

    [Fact]
    public void GanBatchOrderIsTheSameInEveryProcess()
    {
        var dir = Directory.CreateTempSubdirectory("fb-order").FullName;
        try
        {
            for (var i = 0; i < 6; i++)
                FaceBoost.Imaging.ImageWriter.Save(new FaceBoost.Imaging.RgbImage(4, 4, Enumerable.Repeat(i / 6f, 48).ToArray()), Path.Combine(dir, $"{i}.png"));
            using var set = FaceImageSet.Load([dir], 4, seed: 3, mirror: false);
            using var batch = set.GetBatch(step: 2, batchSize: 6);
            var firstPixels = Enumerable.Range(0, 6).Select(i => (int)Math.Round((batch[i, 0, 0, 0].item<float>() + 1) / 2 * 6));
            Assert.Equal("5,0,3,1,4,2", string.Join(",", firstPixels));
        }
        finally { Directory.Delete(dir, true); }
    }
}
