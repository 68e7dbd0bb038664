using FaceBoost.Distributed;
using FaceBoost.Training;

namespace FaceBoost.Tests.Distributed;

public sealed class ParallelOptionsTests
{
    [Fact]
    public void GlobalBatchMustSplitEvenlyOverRanksAndMicroBatches()
    {
        var o = new RecognitionTrainOptions { BatchSize = 40 };
        o.ValidateParallel(1);
        o.ValidateParallel(2);
        Assert.Equal(20, o.BatchPerRank(2));
        var e = Assert.Throws<ArgumentException>(() => o.ValidateParallel(3));
        Assert.Contains("divisible by 3 rank(s)", e.Message);
        Assert.Throws<ArgumentException>(() => (o with { MicroBatches = 3 }).ValidateParallel(1));
        Assert.Throws<ArgumentException>(() => (o with { BatchSize = 4 }).ValidateParallel(4)); // 1 sample per BatchNorm batch
    }

    [Fact]
    public void WithoutMpirunTheCommunicatorIsLocal()
    {
        Assert.False(Communicators.LaunchedByMpi, "the test host should not run under mpirun");
        using var c = Communicators.FromEnvironment();
        Assert.IsType<LocalCommunicator>(c);
        Assert.Equal((0, 1), (c.Rank, c.WorldSize));
    }
}
