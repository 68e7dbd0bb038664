using System.Text.Json;
using FaceBoost.Data;
using FaceBoost.Experiments;

namespace FaceBoost.Tests.Experiments;

/// <summary>recognition.armLr, armFreezeBodyEpochs and armMinSteps: each arm at its own learning rate, frozen-body
/// epochs and step budget, with stage keys that hold only the values a run uses.</summary>
public sealed class ArmSettingsTests
{
    private static string Json<T>(T value) => JsonSerializer.Serialize(value, JsonConfig.Options);

    private static string Key(RecognitionStage.Spec s, ExperimentConfig c) => Json(RecognitionStage.RecognitionOf(s, c));

    /// <summary>The listed arm's run under the table is the run of a plain config at the table's value; every other
    /// arm's is the plain config's; the table itself is in no run's key.</summary>
    private static void KeysAsPlain(string table, ExperimentConfig plain, ExperimentConfig atValue, ExperimentConfig perArm,
        RecognitionStage.Spec listed, params RecognitionStage.Spec[] others)
    {
        Assert.Equal(Key(listed, atValue), Key(listed, perArm));
        foreach (var other in others) Assert.Equal(Key(other, plain), Key(other, perArm));
        Assert.DoesNotContain(table, Key(listed, perArm), StringComparison.Ordinal);
    }

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
        KeysAsPlain("armLr", plain, plain with { Recognition = plain.Recognition with { Lr = 0.2 } }, perArm, scratch, encoder);

        // read from a config file, as users write it
        var parsed = JsonSerializer.Deserialize<RecognitionStageConfig>("""{ "lr": 0.05, "armLr": { "scratch": 0.2, "encoder:union": 0.1 } }""", JsonConfig.Options)!;
        Assert.Equal(0.1, RecognitionStage.LrOf("encoder:union", parsed), 12);
    }

    [Theory]
    [InlineData("armLr", "scrach", 0.1, "which is no arm")]
    [InlineData("armLr", "encoder:nopool", 0.1, "which is no arm")]
    [InlineData("armLr", "scratch", 0.0, "must be a positive learning rate")]
    [InlineData("armFreezeBodyEpochs", "encoder:unoin", 39, "which is no arm")]
    [InlineData("armFreezeBodyEpochs", "autoencoder", -1, "must be 0 or more epochs")]
    [InlineData("armMinSteps", "scratchh", 240, "which is no arm")]
    [InlineData("armMinSteps", "scratch", -5, "must be 0 or more steps")]
    public void ABadTableIsRefusedBeforeAnythingRuns(string table, string arm, double value, string message)
    {
        var c = new ExperimentConfig
        {
            Arms = ["scratch"],
            Recognition = table switch
            {
                "armLr" => new RecognitionStageConfig { ArmLr = new Dictionary<string, double> { [arm] = value } },
                "armFreezeBodyEpochs" => new RecognitionStageConfig { ArmFreezeBodyEpochs = new Dictionary<string, int> { [arm] = (int)value } },
                _ => new RecognitionStageConfig { ArmMinSteps = new Dictionary<string, int> { [arm] = (int)value } },
            },
        };
        var error = Assert.Throws<ArgumentException>(() => new ExperimentRunner(c, "/nowhere").Validate());
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Contains($"recognition.{table}", error.Message, StringComparison.Ordinal);
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

    [Fact]
    public void AnArmKeepsItsOwnFrozenEpochsAndItsRunsKeyAsAPlainConfigWithThem()
    {
        Assert.DoesNotContain("armFreezeBodyEpochs", Json(new RecognitionStageConfig()), StringComparison.Ordinal);

        var people = People();
        var plain = new ExperimentConfig
        {
            Arms = ["scratch", "encoder:union", "autoencoder"],
            Recognition = new RecognitionStageConfig { Epochs = 10, MinSteps = 1, FreezeBodyEpochs = 2 },
        };
        var perArm = plain with { Recognition = plain.Recognition with { ArmFreezeBodyEpochs = new Dictionary<string, int> { ["encoder:union"] = 39 } } };
        var encoder = new RecognitionStage.Spec("encoder:union@20kimg/1000steps", 0.1, 3, people, "enc.fbck", "key", SixChannels: true);
        var autoencoder = new RecognitionStage.Spec("autoencoder", 0.1, 3, people, "ae.fbck", "key2", SixChannels: true);
        var scratch = new RecognitionStage.Spec("scratch", 0.1, 3, people, null, null, SixChannels: false);

        // 39 is capped at epochs - 1 (one epoch of full training stays), as for the shared value
        Assert.Equal(9, RecognitionStage.Options(encoder, perArm, "run", batchesPerEpoch: 3).FreezeBodyEpochs);
        Assert.Equal(2, RecognitionStage.Options(autoencoder, perArm, "run", batchesPerEpoch: 3).FreezeBodyEpochs);
        Assert.Equal(0, RecognitionStage.Options(scratch, perArm, "run", batchesPerEpoch: 3).FreezeBodyEpochs);

        // the encoder's run under the table is the run of a config whose freezeBodyEpochs is 39; the others' are unchanged
        KeysAsPlain("armFreezeBodyEpochs", plain, plain with { Recognition = plain.Recognition with { FreezeBodyEpochs = 39 } }, perArm,
            encoder, autoencoder, scratch);

        var parsed = JsonSerializer.Deserialize<RecognitionStageConfig>("""{ "freezeBodyEpochs": 2, "armFreezeBodyEpochs": { "encoder:union": 39 } }""", JsonConfig.Options)!;
        Assert.Equal(39, RecognitionStage.FreezeOf("encoder:union", parsed));
        Assert.Equal(2, RecognitionStage.FreezeOf("synthetic", parsed));
    }

    [Fact]
    public void AnArmTrainsItsOwnMinimumStepsAndItsRunsKeyAsAPlainConfigWithThem()
    {
        Assert.DoesNotContain("armMinSteps", Json(new RecognitionStageConfig()), StringComparison.Ordinal);

        var people = People();
        var plain = new ExperimentConfig
        {
            Arms = ["scratch", "encoder:union"],
            Recognition = new RecognitionStageConfig { Epochs = 10, MinSteps = 120, FreezeBodyEpochs = 39 },
        };
        var perArm = plain with { Recognition = plain.Recognition with { ArmMinSteps = new Dictionary<string, int> { ["scratch"] = 240 } } };
        var scratch = new RecognitionStage.Spec("scratch", 0.1, 3, people, null, null, SixChannels: false);
        var encoder = new RecognitionStage.Spec("encoder:union", 0.1, 3, people, "enc.fbck", "key", SixChannels: true);

        // 7 batches an epoch (the demo's 234 images at batch 32): 240 steps take 35 epochs, 120 take 18
        Assert.Equal(35, RecognitionStage.Options(scratch, perArm, "run", batchesPerEpoch: 7).Epochs);
        Assert.Equal(18, RecognitionStage.Options(encoder, perArm, "run", batchesPerEpoch: 7).Epochs);
        Assert.Equal(17, RecognitionStage.Options(encoder, perArm, "run", batchesPerEpoch: 7).FreezeBodyEpochs);

        // scratch's run under the table is the run of a config whose minSteps is 240; the encoder's is unchanged
        KeysAsPlain("armMinSteps", plain, plain with { Recognition = plain.Recognition with { MinSteps = 240 } }, perArm, scratch, encoder);

        var parsed = JsonSerializer.Deserialize<RecognitionStageConfig>("""{ "minSteps": 120, "armMinSteps": { "scratch": 240 } }""", JsonConfig.Options)!;
        Assert.Equal(240, RecognitionStage.MinStepsOf("scratch", parsed));
        Assert.Equal(120, RecognitionStage.MinStepsOf("autoencoder", parsed));
    }
}
