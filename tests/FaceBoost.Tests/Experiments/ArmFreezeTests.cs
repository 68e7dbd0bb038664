using System.Text.Json;
using FaceBoost.Data;
using FaceBoost.Experiments;

namespace FaceBoost.Tests.Experiments;

/// <summary>recognition.armFreezeBodyEpochs: each pretrained arm keeps its body frozen as long as validation picks for
/// it, with stage keys that hold only the value a run trains with (as armLr).</summary>
public sealed class ArmFreezeTests
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
        var at39 = plain with { Recognition = plain.Recognition with { FreezeBodyEpochs = 39 } };
        Assert.Equal(Json(RecognitionStage.RecognitionOf(encoder, at39)), Json(RecognitionStage.RecognitionOf(encoder, perArm)));
        Assert.Equal(Json(RecognitionStage.RecognitionOf(autoencoder, plain)), Json(RecognitionStage.RecognitionOf(autoencoder, perArm)));
        Assert.Equal(Json(RecognitionStage.RecognitionOf(scratch, plain)), Json(RecognitionStage.RecognitionOf(scratch, perArm)));
        Assert.DoesNotContain("armFreezeBodyEpochs", Json(RecognitionStage.RecognitionOf(encoder, perArm)), StringComparison.Ordinal);

        var parsed = JsonSerializer.Deserialize<RecognitionStageConfig>("""{ "freezeBodyEpochs": 2, "armFreezeBodyEpochs": { "encoder:union": 39 } }""", JsonConfig.Options)!;
        Assert.Equal(39, RecognitionStage.FreezeOf("encoder:union", parsed));
        Assert.Equal(2, RecognitionStage.FreezeOf("synthetic", parsed));
    }

    [Theory]
    [InlineData("encoder:unoin", 39, "which is no arm")]
    [InlineData("autoencoder", -1, "must be 0 or more epochs")]
    public void ABadTableIsRefusedBeforeAnythingRuns(string arm, int epochs, string message)
    {
        var c = new ExperimentConfig
        {
            Arms = ["scratch"],
            Recognition = new RecognitionStageConfig { ArmFreezeBodyEpochs = new Dictionary<string, int> { [arm] = epochs } },
        };
        var error = Assert.Throws<ArgumentException>(() => new ExperimentRunner(c, "/nowhere").Validate());
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
