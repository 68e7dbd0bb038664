namespace FaceBoost.Evaluation;

/// <summary>A pair left out of the metrics because one of its images could not be embedded.</summary>
public sealed record ExcludedPair(int Index, string PathA, string PathB, string Reason);
