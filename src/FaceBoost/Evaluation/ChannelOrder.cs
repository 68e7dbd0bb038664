namespace FaceBoost.Evaluation;

/// <summary>Colour channel order a model was trained with (insightface ONNX models vary).</summary>
public enum ChannelOrder { Rgb, Bgr }
