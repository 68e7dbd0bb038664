namespace FaceBoost.Evaluation;

/// <summary>How pairs are split into the k folds of the verification protocol.</summary>
public enum FoldScheme
{
    /// <summary>k consecutive blocks in file order, as LFW's pairs.txt (10 sets of 300+300) and RFW's
    /// evaluation code (scikit-learn KFold without shuffling: the first n mod k blocks are one pair longer). Use for
    /// published pair lists.</summary>
    Consecutive,
    /// <summary>Seeded shuffle within genuine and within impostor pairs, dealt round-robin, so every fold
    /// has the same genuine/impostor balance. Use for generated pairs.</summary>
    Stratified,
}
