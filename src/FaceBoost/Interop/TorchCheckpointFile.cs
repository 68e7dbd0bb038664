using System.Collections;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Interop;

/// <summary>Reads `torch.save` checkpoints (the zip format of PyTorch ≥ 1.6) into flat
/// name → tensor maps, using TorchSharp.PyBridge's unpickler (which resolves only torch's tensor
/// rebuild functions and OrderedDict; anything else becomes an inert placeholder, never code).
/// Nested dicts (e.g. a pSp checkpoint's {"state_dict": …, "latent_avg": …}) are flattened with
/// "outer." prefixes, as `state_dict` keys nest.</summary>
public static class TorchCheckpointFile
{
    /// <summary>All tensors in the checkpoint by (flattened) name. Non-tensor values are skipped
    /// and listed in <paramref name="nonTensorKeys"/>.</summary>
    /// <remarks>Every failure — missing or unreadable file, not a zip, sizes that do not match the stored data, a
    /// pickle PyBridge cannot read — is an <see cref="InvalidDataException"/> whose message names the file.</remarks>
    public static Dictionary<string, Tensor> Load(string path, List<string>? nonTensorKeys = null)
    {
        if (path.Contains('\0')) throw new InvalidDataException($"{path.Replace('\0', '?')}: the path contains a NUL byte");
        if (!File.Exists(path)) throw new InvalidDataException($"{path}: checkpoint not found");
        Hashtable root;
        try
        {
            using var fs = File.OpenRead(path);
            Span<byte> sig = stackalloc byte[4];
            if (fs.Read(sig) != 4 || sig[0] != 0x50 || sig[1] != 0x4b)
                throw new InvalidDataException($"{path}: not a zip-format torch.save checkpoint (re-save it with PyTorch ≥ 1.6: torch.save(model.state_dict(), path))");
            fs.Position = 0;
            // PyBridge trusts data.pkl's element counts; they are checked against the stored bytes first.
            TorchCheckpointPrecheck.Check(fs, path);
            fs.Position = 0;
            root = TorchSharp.PyBridge.PyTorchUnpickler.UnpickleStateDict(fs, leaveOpen: true);
        }
        catch (InvalidDataException ex) when (ex.Message.StartsWith(path, StringComparison.Ordinal)) { throw; }
        catch (InvalidCastException ex)
        { throw new InvalidDataException($"{path}: the checkpoint's top level is not a dict", ex); }
        catch (Exception ex) when (ex is not (OutOfMemoryException or StackOverflowException or InsufficientExecutionStackException))
        { throw new InvalidDataException($"{path}: cannot read the checkpoint: {OneLine(ex.Message)}", ex); }
        var result = new Dictionary<string, Tensor>();
        Flatten(root, "", result, nonTensorKeys);
        return result;
    }

    private static string OneLine(string s) => s.ReplaceLineEndings(" ");

    private static void Flatten(Hashtable table, string prefix, Dictionary<string, Tensor> into, List<string>? other)
    {
        foreach (DictionaryEntry e in table)
        {
            var key = prefix + e.Key;
            switch (e.Value)
            {
                case Tensor t: into[key] = t; break;
                case Hashtable h: Flatten(h, key + ".", into, other); break;
                default: other?.Add(key); break;
            }
        }
    }
}
