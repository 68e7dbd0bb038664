namespace FaceBoost.Faces;

/// <summary>Progress of <see cref="FacePreparer.Run"/>: photos finished out of the total, and the last one.</summary>
public readonly record struct PrepareProgress(int Done, int Total, string LastFile, int FacesWritten);
