using System.Runtime.InteropServices;

namespace FaceBoost.Interop;

/// <summary>Builds an ONNX ModelProto (IR 7, default-domain opset 13) node by node and serialises it with
/// <see cref="ProtobufWriter"/>. Field numbers are those of onnx/onnx.proto. Only float32 tensors.</summary>
public sealed class OnnxGraphBuilder
{
    public const int Opset = 13;
    private const int IrVersion = 7;
    private const int FloatType = 1;

    private readonly List<ProtobufWriter> _nodes = [];
    private readonly List<ProtobufWriter> _initializers = [];
    private readonly List<ProtobufWriter> _inputs = [];
    private readonly List<ProtobufWriter> _outputs = [];
    private readonly List<(string Key, string Value)> _metadata = [];
    private readonly HashSet<string> _names = [];
    private int _counter;

    public string GraphName { get; init; } = "faceboost";

    /// <summary>A fresh intermediate-value name.</summary>
    public string Temp(string hint) => $"{hint}_{_counter++}";

    public string Initializer(string name, float[] data, params long[] dims)
    {
        if (dims.Aggregate(1L, (a, b) => a * b) != data.Length)
            throw new ArgumentException($"initializer {name}: {data.Length} values for shape [{string.Join("×", dims)}]");
        if (!_names.Add(name)) throw new ArgumentException($"initializer {name} defined twice");
        var t = new ProtobufWriter().PackedInt64(1, dims).Int64(2, FloatType).String(8, name)
            .Bytes(9, MemoryMarshal.AsBytes(data.AsSpan())); // raw_data: little-endian float32
        _initializers.Add(t);
        return name;
    }

    public void Input(string name, params object[] dims) => _inputs.Add(ValueInfo(name, dims));
    public void Output(string name, params object[] dims) => _outputs.Add(ValueInfo(name, dims));
    public void Metadata(string key, string value) => _metadata.Add((key, value));

    private static ProtobufWriter ValueInfo(string name, object[] dims)
    {
        var shape = new ProtobufWriter();
        foreach (var d in dims)
            shape.Message(1, d is string p ? new ProtobufWriter().String(2, p) : new ProtobufWriter().Int64(1, Convert.ToInt64(d)));
        var tensor = new ProtobufWriter().Int64(1, FloatType).Message(2, shape);
        return new ProtobufWriter().String(1, name).Message(2, new ProtobufWriter().Message(1, tensor));
    }

    /// <summary>Adds a node; attributes are int (long), float, or int list (long[]).</summary>
    public string Node(string opType, string[] inputs, string? output = null, params (string Name, object Value)[] attributes)
    {
        output ??= Temp(opType.ToLowerInvariant());
        var n = new ProtobufWriter();
        foreach (var i in inputs) n.String(1, i);
        n.String(2, output).String(3, output + "_node").String(4, opType);
        foreach (var (name, value) in attributes)
        {
            var a = new ProtobufWriter().String(1, name);
            switch (value)
            {
                case float f: a.Float(2, f).Int64(20, 1); break;
                case long l: a.Int64(3, l).Int64(20, 2); break;
                case int i: a.Int64(3, i).Int64(20, 2); break;
                case long[] ls: foreach (var v in ls) a.Int64(8, v); a.Int64(20, 7); break;
                default: throw new ArgumentException($"attribute {name}: unsupported type {value.GetType().Name}");
            }
            n.Message(5, a);
        }
        _nodes.Add(n);
        return output;
    }

    public byte[] ToBytes(string producerVersion = "1")
    {
        var g = new ProtobufWriter();
        foreach (var n in _nodes) g.Message(1, n);
        g.String(2, GraphName);
        foreach (var t in _initializers) g.Message(5, t);
        foreach (var i in _inputs) g.Message(11, i);
        foreach (var o in _outputs) g.Message(12, o);
        var m = new ProtobufWriter()
            .Int64(1, IrVersion)
            .String(2, "FaceBoost")
            .String(3, producerVersion)
            .Message(7, g)
            .Message(8, new ProtobufWriter().String(1, "").Int64(2, Opset));
        foreach (var (k, v) in _metadata) m.Message(14, new ProtobufWriter().String(1, k).String(2, v));
        return m.ToArray();
    }
}
