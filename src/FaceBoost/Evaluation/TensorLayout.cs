namespace FaceBoost.Evaluation;

/// <summary>Memory layout of a model's image input.</summary>
public enum TensorLayout { Nchw, Nhwc }
