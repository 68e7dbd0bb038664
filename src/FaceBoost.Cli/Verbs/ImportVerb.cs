using System.CommandLine;
using FaceBoost.Interop;
using FaceBoost.Nets;
using FaceBoost.Runtime;

namespace FaceBoost.Cli.Verbs;

/// <summary>`faceboost import`: insightface `backbone.pth` → FaceBoost checkpoint (.fbck) for eval / fine-tuning;
/// or, with `--psp`, report which pSp/ReStyle encoder weights fit an IR-SE backbone.</summary>
public sealed class ImportVerb : IVerb
{
    public Command Build()
    {
        var pth = new Option<string?>("--pth") { Description = "insightface backbone.pth (torch.save'd iresnet state dict)" }.Path();
        var psp = new Option<string?>("--psp") { Description = "pSp/ReStyle checkpoint: report (and with --output save) its encoder weights in an IR-SE backbone" }.Path();
        var arch = new Option<string>("--arch") { Description = "iresnet18|34|50|100|200 for --pth; irse50 / ir50 … for --psp", DefaultValueFactory = _ => "iresnet50" };
        var width = new Option<int>("--width") { Description = "Base width (64 = published)", DefaultValueFactory = _ => 64 }.Range(8, 1024);
        var size = new Option<int>("--input-size") { Description = "Input side", DefaultValueFactory = _ => 112 }.Range(16, 1024);
        var emb = new Option<int>("--embedding-size") { Description = "Embedding length", DefaultValueFactory = _ => 512 }.Range(2, 8192);
        var channels = new Option<int>("--input-channels") { Description = "3, or 6 for ReStyle encoders (image ⊕ average image)", DefaultValueFactory = _ => 3 }.Range(1, 16);
        var output = new Option<string?>("--output") { Description = "FaceBoost checkpoint to write (.fbck) for --pth" }.Path();
        var cmd = new Command("import", "Import insightface iresnet weights as a FaceBoost checkpoint, or check a pSp encoder checkpoint against an IR-SE backbone.");
        foreach (var o in new Option[] { pth, psp, arch, width, size, emb, channels, output }) cmd.Options.Add(o);
        cmd.SetAction(pr =>
        {
            TorchRuntime.Initialize();
            var options = new BackboneOptions
            {
                Name = pr.GetValue(arch)!, BaseWidth = pr.GetValue(width), InputSize = pr.GetValue(size),
                EmbeddingSize = pr.GetValue(emb), InputChannels = pr.GetValue(channels),
            };
            if (pr.GetValue(psp) is string ckpt)
            {
                using var backbone = BackboneFactory.Create(options);
                var r = PspEncoderWeights.Import(ckpt, backbone);
                Console.WriteLine($"{ckpt} → {options.Name}: {r.Describe(int.MaxValue)}");
                return 0;
            }
            var src = pr.GetValue(pth) ?? throw new ArgumentException("--pth or --psp is required");
            var outPath = pr.GetValue(output) ?? Path.ChangeExtension(src, ".fbck");
            var report = InsightfaceCheckpointImport.ToCheckpoint(src, options, outPath);
            Console.WriteLine($"{src}: {report.Describe()} → {outPath}");
            return 0;
        });
        return cmd;
    }
}
