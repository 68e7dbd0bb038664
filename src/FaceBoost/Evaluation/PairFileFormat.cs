namespace FaceBoost.Evaluation;

/// <summary>Pair list formats read by <see cref="PairFileReader"/> (parsing itself is <see cref="Data.PairSets"/>).</summary>
public enum PairFileFormat
{
    /// <summary>LFW/RFW name+number lines → <see cref="Lfw"/> (or <see cref="Rfw"/> when a group is given), else <see cref="Generic"/>.</summary>
    Auto,
    /// <summary>LFW pairs.txt: optional "10 300" header (then pairs carry their fold), "name n1 n2" / "name1 n1 name2 n2".</summary>
    Lfw,
    /// <summary>RFW &lt;group&gt;_pairs.txt: LFW lines without header, one group per file.</summary>
    Rfw,
    /// <summary>"pathA pathB 0|1 [group]", tab-separated when the line has tabs.</summary>
    Generic,
}
