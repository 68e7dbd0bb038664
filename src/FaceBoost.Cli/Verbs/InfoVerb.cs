using System.CommandLine;
using FaceBoost.Runtime;

namespace FaceBoost.Cli.Verbs;

/// <summary>`faceboost info`: proves the native backends load and says what they are.</summary>
public sealed class InfoVerb : IVerb
{
    public Command Build()
    {
        var cmd = new Command("info", "Show the torch backend, threads and versions (checks that natives load).");
        cmd.SetAction(_ =>
        {
            TorchRuntime.Initialize();
            Console.WriteLine($"FaceBoost {typeof(TorchRuntime).Assembly.GetName().Version}");
            Console.WriteLine(TorchRuntime.Describe());
            Console.WriteLine($"SkiaSharp {typeof(SkiaSharp.SKBitmap).Assembly.GetName().Version}");
            Console.WriteLine($"ONNX Runtime {Microsoft.ML.OnnxRuntime.OrtEnv.Instance().GetVersionString()}");
            return 0;
        });
        return cmd;
    }
}
