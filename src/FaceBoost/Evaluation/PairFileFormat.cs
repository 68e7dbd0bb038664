namespace FaceBoost.Evaluation;

/// <summary>Pair list formats read by <see cref="PairFileReader"/>.</summary>
public enum PairFileFormat
{
    /// <summary>Decide per line (LFW/RFW name+number lines vs. generic path lines).</summary>
    Auto,
    /// <summary>LFW pairs.txt / RFW &lt;group&gt;_pairs.txt: "name n1 n2" genuine, "name1 n1 name2 n2" impostor,
    /// images at root/name/name_000n.jpg (a non-numeric n is taken as the file name); an optional "10 300" header.</summary>
    Lfw,
    /// <summary>"pathA pathB label [group]": label 1/0, same/diff, true/false; tab-separated when the line has tabs.</summary>
    Generic,
}
