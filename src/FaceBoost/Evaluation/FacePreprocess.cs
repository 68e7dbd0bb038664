namespace FaceBoost.Evaluation;

/// <summary>How a decoded face crop is brought to the embedder's square input size S.</summary>
public enum FacePreprocess
{
    /// <summary>Stretch to S×S (aspect ratio not kept). Right for already aligned square crops.</summary>
    Resize,
    /// <summary>The paper's test transform: resize to S·128/112 (128 for S = 112), then centre crop S.</summary>
    ResizeCenterCrop,
    /// <summary>Pad to a square (black) then resize: keeps the aspect ratio of non-square crops.</summary>
    PadResize,
    /// <summary>Centre crop the largest square then resize: keeps the aspect ratio, loses the long side's edges.</summary>
    CropSquareResize,
}
