using System.Text.Json;
using FaceBoost.Data;
using FaceBoost.Experiments;

namespace FaceBoost.Tests.Experiments;

/// <summary>recognition.trainSeedOffset: the same labeled people trained from another start, and nothing else moves.</summary>
public sealed class TrainSeedOffsetTests
{
    private static string Json<T>(T value) => JsonSerializer.Serialize(value, JsonConfig.Options);

    private static FaceDataset People(int identities = 40)
    {
        var items = new List<(string, string?)>();
        for (int k = 0; k < identities; k++)
            for (int i = 0; i < 4; i++) items.Add(($"/nowhere/id{k:00}/{i}.png", $"id{k:00}"));
        return FaceDataset.FromPaths("people", "/nowhere", items);
    }

    [Fact]
    public void TheOffsetMovesTheTrainingSeedButNotTheLabeledSubsetNorOldStageKeys()
    {
        // absent from the section's JSON until set: stage keys of configs written before the knob stay the same
        Assert.DoesNotContain("trainSeedOffset", Json(new RecognitionStageConfig()), StringComparison.Ordinal);
        Assert.Contains("\"trainSeedOffset\": 100", Json(new RecognitionStageConfig { TrainSeedOffset = 100 }), StringComparison.Ordinal);

        var people = People();
        var plain = new ExperimentConfig();
        var moved = plain with { Recognition = plain.Recognition with { TrainSeedOffset = 100 } };
        var spec = new RecognitionStage.Spec("encoder:union", 0.1, 3, people, "enc.fbck", "key", SixChannels: true);
        Assert.Equal(3, RecognitionStage.Options(spec, plain, "run", batchesPerEpoch: 3).Seed);
        Assert.Equal(103, RecognitionStage.Options(spec, moved, "run", batchesPerEpoch: 3).Seed);
        Assert.Equal(103, RecognitionStage.TrainSeed(spec, moved));

        // the labeled subset is the (fraction, seed) draw alone: the same people with and without the offset
        var a = new ExperimentRunner(plain, "/nowhere").LabeledSubset(people, 0.1, 3);
        var b = new ExperimentRunner(moved, "/nowhere").LabeledSubset(people, 0.1, 3);
        Assert.Equal(4, a.IdentityCount);
        Assert.Equal(a.Samples.Select(s => s.Path), b.Samples.Select(s => s.Path));
        Assert.NotEqual(a.Identities, new ExperimentRunner(plain, "/nowhere").LabeledSubset(people, 0.1, 4).Identities);
    }
}
