using FaceBoost.Training;
using FaceBoost.Runtime;
using FaceBoost.Nets;
using TorchSharp.PyBridge;

namespace FaceBoost.Interop;

/// <summary>insightface `iresnet` weights ↔ FaceBoost's <see cref="IResNet"/> (same state-dict names).</summary>
public static class IResNetWeights
{
    /// <summary>Loads an insightface `backbone.pth` (a torch.save'd state dict; a DataParallel
    /// "module." prefix is stripped). Every key must match in name and shape, else
    /// <see cref="StateDictMismatchException"/> lists the missing, unexpected and mismatched keys.</summary>
    public static StateDictReport ImportInsightface(string backbonePth, IResNet model)
    {
        var sd = StateDictCopy.StripCommonPrefix(TorchCheckpointFile.Load(backbonePth));
        try
        {
            return StateDictCopy.Strict(model, sd, backbonePth);
        }
        finally { foreach (var t in sd.Values) t.Dispose(); }
    }

    /// <summary>Writes the model's state dict as a torch.save zip that insightface's
    /// `get_model(name).load_state_dict(torch.load(path))` accepts (written to a temp file, then renamed).</summary>
    public static void ExportInsightface(IResNet model, string path)
    {
        AtomicFile.WriteVia(path, tmp => model.save_py(tmp));
    }
}
