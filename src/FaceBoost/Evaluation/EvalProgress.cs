namespace FaceBoost.Evaluation;

/// <summary>Progress of an evaluation stage, e.g. ("embedding", 512, 1600).</summary>
public readonly record struct EvalProgress(string Stage, int Done, int Total);
