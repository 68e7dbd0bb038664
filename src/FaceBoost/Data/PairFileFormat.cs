namespace FaceBoost.Data;

/// <summary>Pair list formats read by <see cref="PairSets.Read"/>.</summary>
public enum PairFileFormat
{
    /// <summary>LFW/RFW name+number lines → <see cref="Lfw"/> (or <see cref="Rfw"/> when a group is given), else <see cref="Generic"/>.</summary>
    Auto,
    /// <summary>LFW pairs.txt: optional "10 300" header (then pairs carry their fold), "name n1 n2" / "name1 n1 name2 n2".</summary>
    Lfw,
    /// <summary>RFW &lt;group&gt;_pairs.txt: LFW lines without header, one group per file.</summary>
    Rfw,
    /// <summary>"pathA pathB 0|1 [group]" with plain relative (or absolute) paths, tab-separated when the line has tabs.</summary>
    Generic,
}

/// <summary>How <see cref="PairSets.Read"/> reads a pair list.</summary>
public sealed record PairListOptions
{
    /// <summary>Image root; default the list's folder. "{group}" in it is replaced by the group.</summary>
    public string? ImageRoot { get; init; }
    /// <summary>Group of every pair of this file (RFW); generic lines may name their own.</summary>
    public string? Group { get; init; }
    public PairFileFormat Format { get; init; } = PairFileFormat.Auto;
    /// <summary>Image paths of name + number lists (LFW/RFW).</summary>
    public ImagePathTemplate Images { get; init; } = ImagePathTemplate.Lfw;
}
