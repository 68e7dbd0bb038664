using System.CommandLine;

namespace FaceBoost.Cli;

/// <summary>A `faceboost` verb. Each lives in its own file under Verbs/ and is listed in <see cref="Program.Verbs"/>.</summary>
public interface IVerb
{
    Command Build();
}
