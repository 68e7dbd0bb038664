using System.Text.Json;
using FaceBoost.Data;
using FaceBoost.Experiments;

namespace FaceBoost.Tests.Experiments;

/// <summary>recognition.armLr: each arm at its own learning rate, with stage keys that hold only the rate a run uses.</summary>
public sealed class ArmLrTests
{
    private static string Json<T>(T value) => JsonSerializer.Serialize(value, JsonConfig.Options);

    private static FaceDataset People()
    {
        var items = new List<(string, string?)>();
        for (int k = 0; k < 10; k++)
            for (int i = 0; i < 4; i++) items.Add(($"/nowhere/id{k:00}/{i}.png", $"id{k:00}"));
        return FaceDataset.FromPaths("people", "/nowhere", items);
    }

    [Fact]
    public void AnArmTakesItsOwnRateAndItsRunsKeyAsAPlainConfigAtThatRate()
    {
        Assert.DoesNotContain("armLr", Json(new RecognitionStageConfig()), StringComparison.Ordinal);

        var people = People();
        var plain = new ExperimentConfig { Arms = ["scratch", "encoder:union"], Recognition = new RecognitionStageConfig { Lr = 0.05 } };
        var perArm = plain with { Recognition = plain.Recognition with { ArmLr = new Dictionary<string, double> { ["scratch"] = 0.2 } } };
        var scratch = new RecognitionStage.Spec("scratch", 0.1, 3, people, null, null, SixChannels: false);
        var encoder = new RecognitionStage.Spec("encoder:union@6kimg/1000steps", 0.1, 3, people, "enc.fbck", "key", SixChannels: true);

        Assert.Equal(0.2, RecognitionStage.Options(scratch, perArm, "run", batchesPerEpoch: 3).Optimizer.LearningRate, 12);
        Assert.Equal(0.05, RecognitionStage.Options(encoder, perArm, "run", batchesPerEpoch: 3).Optimizer.LearningRate, 12);

        // scratch's run under the override is the run of a config whose lr is 0.2; the encoder's is unchanged, and the
        // table itself is in no run's key
        var at02 = plain with { Recognition = plain.Recognition with { Lr = 0.2 } };
        Assert.Equal(Json(RecognitionStage.RecognitionOf(scratch, at02)), Json(RecognitionStage.RecognitionOf(scratch, perArm)));
        Assert.Equal(Json(RecognitionStage.RecognitionOf(encoder, plain)), Json(RecognitionStage.RecognitionOf(encoder, perArm)));
        Assert.DoesNotContain("armLr", Json(RecognitionStage.RecognitionOf(scratch, perArm)), StringComparison.Ordinal);

        // read from a config file, as users write it
        var parsed = JsonSerializer.Deserialize<RecognitionStageConfig>("""{ "lr": 0.05, "armLr": { "scratch": 0.2, "encoder:union": 0.1 } }""", JsonConfig.Options)!;
        Assert.Equal(0.1, RecognitionStage.LrOf("encoder:union", parsed), 12);
    }

    [Theory]
    [InlineData("scrach", 0.1, "which is no arm")]
    [InlineData("encoder:nopool", 0.1, "which is no arm")]
    [InlineData("scratch", 0.0, "must be a positive learning rate")]
    public void ABadTableIsRefusedBeforeAnythingRuns(string arm, double lr, string message)
    {
        var c = new ExperimentConfig
        {
            Arms = ["scratch"],
            Recognition = new RecognitionStageConfig { ArmLr = new Dictionary<string, double> { [arm] = lr } },
        };
        var error = Assert.Throws<ArgumentException>(() => new ExperimentRunner(c, "/nowhere").Validate());
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    /// <summary>The arms themselves are checked by the same rule as armLr's keys, with a message for each way to miss.</summary>
    [Theory]
    [InlineData("scrach", "unknown arm 'scrach'")]
    [InlineData("encoder:nopool", "arm 'encoder:nopool' names no pool; pools: [poolAB]")]
    public void AnArmThatIsNoArmIsRefused(string arm, string message)
    {
        var c = new ExperimentConfig { Arms = ["scratch", arm], Pools = [new PoolConfig { Name = "poolAB", Path = "/nowhere" }] };
        var error = Assert.Throws<ArgumentException>(() => new ExperimentRunner(c, "/nowhere").Validate());
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    /// <summary>A base config's table may name arms a child config does not run (a study over demo.json that runs two of
    /// its four arms); those rates are simply unused.</summary>
    [Fact]
    public void ARateForAValidArmNotRunHereIsAccepted()
    {
        var c = new ExperimentConfig
        {
            Arms = ["scratch", "encoder:union"],
            Pools = [new PoolConfig { Name = "poolAB", Path = "/nowhere" }],
            Recognition = new RecognitionStageConfig { ArmLr = new Dictionary<string, double> { ["autoencoder"] = 0.05, ["synthetic"] = 0.05, ["encoder:poolAB"] = 0.05 } },
        };
        new ExperimentRunner(c, "/nowhere").Validate();
    }
}
