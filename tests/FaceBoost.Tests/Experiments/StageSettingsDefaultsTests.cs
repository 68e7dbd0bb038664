using System.Text.Json;
using System.Text.Json.Nodes;
using FaceBoost.Cli.Verbs;
using FaceBoost.Experiments;
using FaceBoost.Training;

namespace FaceBoost.Tests.Experiments;

/// <summary>One set of defaults per training stage: the CLI verb with no knob given, an experiment section left empty,
/// and the Training record built with `new` all mean the same run.</summary>
public sealed class StageSettingsDefaultsTests
{
    private static string Json<T>(T value) => JsonSerializer.Serialize(value, JsonConfig.Options);

    /// <summary>An experiment config whose stage sections are present but empty (and one with no sections at all).</summary>
    private static IEnumerable<ExperimentConfig> EmptySections() =>
    [
        JsonConfig.Deserialize<ExperimentConfig>(JsonNode.Parse("""{ "gan": {}, "encoder": {}, "recognition": {} }""")!.AsObject(), "inline"),
        JsonConfig.Deserialize<ExperimentConfig>(new JsonObject(), "inline"),
    ];

    [Fact]
    public void GanVerbExperimentAndRecordShareTheDefaults()
    {
        var cli = TrainGanVerb.OptionsOf("--data", "faces", "--run-dir", "run");
        Assert.Equal(new GanSettings(), cli.Settings);
        Assert.Equal(GanTrainOptions.Defaults with { RunDir = "run" }, cli);
        Assert.All(EmptySections(), c => Assert.Equal(new GanSettings(), c.Gan));
    }

    [Fact]
    public void EncoderVerbExperimentAndRecordShareTheDefaults()
    {
        var cli = TrainEncoderVerb.OptionsOf("--generator", "g.fbck", "--data", "faces", "--run-dir", "run");
        Assert.Equal(new EncoderSettings(), cli.Settings);
        var record = EncoderTrainOptions.Defaults with { GeneratorCheckpoint = "g.fbck", DataFolder = "faces", RunDir = "run" };
        Assert.Equal(Json(record with { LpipsWeights = cli.LpipsWeights }), Json(cli)); // an absent --lpips-weights parses as []
        Assert.Empty(cli.LpipsWeights ?? []);
        Assert.All(EmptySections(), c => Assert.Equal(new EncoderSettings(), c.Encoder));
    }

    [Fact]
    public void RecognitionVerbExperimentAndRecordShareTheDefaults()
    {
        var record = Json(new RecognitionTrainOptions());
        Assert.Equal(record, Json(TrainVerb.OptionsOf()));
        Assert.Equal(record, Json(new RecognitionSettings().ApplyTo(new RecognitionTrainOptions())));
        Assert.All(EmptySections(), c =>
        {
            Assert.Equal(record, Json(c.Recognition.ApplyTo(new RecognitionTrainOptions())));
            Assert.Equal(new RecognitionStageConfig(), c.Recognition);
        });
    }

    /// <summary>A knob given on the command line lands in the shared record, not beside it.</summary>
    [Fact]
    public void VerbKnobsLandInTheSharedRecords()
    {
        Assert.Equal(0.1, TrainGanVerb.OptionsOf("--data", "f", "--run-dir", "r", "--r1-gamma", "0.1").Settings.R1Gamma);
        Assert.Equal(400, TrainEncoderVerb.OptionsOf("--generator", "g", "--data", "f", "--steps", "400").Settings.Steps);
        var r = TrainVerb.OptionsOf("--schedule", "cosine", "--lr", "0.05", "--epochs", "7");
        Assert.Equal(("cosine", 0.05, 7), (r.Schedule.Kind, r.Optimizer.LearningRate, r.Epochs));
        Assert.Equal(0.1, TrainVerb.OptionsOf("--body-lr-scale", "0.1").BodyLrScale);
        Assert.Equal(2, TrainVerb.OptionsOf("--transfer-stages", "2").TransferStages);
        Assert.Equal("none", TrainEncoderVerb.OptionsOf("--generator", "g", "--data", "f", "--inversion-noise", "none").Settings.InversionNoise);
        Assert.Null(TrainEncoderVerb.OptionsOf("--generator", "g", "--data", "f").Settings.InversionNoise);
    }

    /// <summary>The body's learning-rate scale is absent from a section's JSON until set, so the stage keys (and cached
    /// recognition runs) of configs written before the knob existed do not change.</summary>
    [Fact]
    public void BodyLrScaleIsOnlyWrittenWhenSet()
    {
        Assert.DoesNotContain("bodyLrScale", Json(new RecognitionStageConfig()), StringComparison.Ordinal);
        Assert.Contains("\"bodyLrScale\": 0.1", Json(new RecognitionStageConfig { BodyLrScale = 0.1 }), StringComparison.Ordinal);
        Assert.Equal(1, new RecognitionSettings().ApplyTo(new RecognitionTrainOptions()).BodyLrScale);
        Assert.DoesNotContain("transferStages", Json(new RecognitionStageConfig()), StringComparison.Ordinal);
        Assert.Contains("\"transferStages\": 2", Json(new RecognitionStageConfig { TransferStages = 2 }), StringComparison.Ordinal);
        Assert.Equal(4, new RecognitionSettings().ApplyTo(new RecognitionTrainOptions()).TransferStages);
        Assert.DoesNotContain("inversionNoise", Json(new EncoderSettings()), StringComparison.Ordinal);
        Assert.Contains("\"inversionNoise\": \"none\"", Json(new EncoderSettings { InversionNoise = "none" }), StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new EncoderSettings { InversionNoise = "random" }.Validate());
    }
}
