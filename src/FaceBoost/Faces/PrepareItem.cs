namespace FaceBoost.Faces;

/// <summary>One photo to prepare and where its crop goes: <paramref name="OutputStem"/> is the path below
/// the output root without extension (e.g. "7434/000176"); ".png" or "_k.png" is appended.</summary>
public sealed record PrepareItem(string SourcePath, string OutputStem);
