using System.CommandLine;

namespace FaceBoost.Cli;

/// <summary>A `faceboost` verb. Each lives in its own file under Verbs/ and is found by reflection,
/// so adding a verb never edits a central list.</summary>
public interface IVerb
{
    Command Build();
}
