using System.Collections.Immutable;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace FaceBoost.Tests;

/// <summary>The library's folders are floors: a namespace FaceBoost.&lt;Folder&gt; (subfolders count as their folder)
/// may use only folders on lower floors. The check reads FaceBoost.Core.dll's metadata, including every method
/// body's IL, so a call or a local inside a method counts as much as a field or a signature.</summary>
public sealed class ArchitectureTests
{
    /// <summary>Lowest floor first; folders on one floor must not use each other either. Runtime (atomic files,
    /// held Scalars, libtorch start-up) sits under everything, Imaging's PNG writer included.</summary>
    public static readonly string[][] Floors =
    [
        ["Runtime"],
        ["Imaging", "Distributed"],
        ["Data", "Faces", "Losses"],
        ["Evaluation"],
        ["Nets"],
        ["Training"],
        ["Synthesis", "Interop"],
        ["Experiments"],
    ];

    /// <summary>Known upward references, as "source type → target folder". Each one must go: the test fails
    /// when an entry is no longer needed, so the list only shrinks.</summary>
    private static readonly (string SourceType, string TargetFolder)[] Allowed =
    [
    ];

    [Fact]
    public void NoFolderUsesAFolderOnTheSameOrAHigherFloor()
    {
        var rank = Floors.SelectMany((folders, i) => folders.Select(f => (f, i))).ToDictionary(p => p.f, p => p.i);
        var edges = ReferenceScanner.Scan(typeof(FaceBoost.Runtime.AtomicFile).Assembly.Location);
        var unknown = edges.SelectMany(e => new[] { e.From, e.To }).Select(Folder)
            .Where(f => f is not null && !rank.ContainsKey(f)).Distinct().ToList();
        Assert.True(unknown.Count == 0, "folders missing from the floor list: " + string.Join(", ", unknown));

        var upward = edges
            .Select(e => (e.From, e.To, FromFolder: Folder(e.From), ToFolder: Folder(e.To)))
            .Where(e => e.FromFolder is not null && e.ToFolder is not null && e.FromFolder != e.ToFolder
                        && rank[e.ToFolder] >= rank[e.FromFolder])
            .ToList();
        var offending = upward.Where(e => !Allowed.Contains((e.From, e.ToFolder!)))
            .Select(e => $"{e.From} → {e.To}").Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.True(offending.Count == 0,
            $"{offending.Count} reference(s) to the same or a higher floor:\n" + string.Join("\n", offending));

        var stale = Allowed.Where(a => !upward.Any(e => e.From == a.SourceType && e.ToFolder == a.TargetFolder)).ToList();
        Assert.True(stale.Count == 0, "allowlist entries no longer needed (remove them): "
            + string.Join(", ", stale.Select(a => $"{a.SourceType} → {a.TargetFolder}")));
    }

    [Fact]
    public void ScannerSeesReferencesInsideMethodBodies()
    {
        var edges = ReferenceScanner.Scan(typeof(ArchitectureTests).Assembly.Location);
        const string ns = "FaceBoost.Tests.ArchitectureFixtures.";
        Assert.Contains((ns + "BodyOnlyCaller", ns + "Callee"), edges);
        Assert.Contains((ns + "LambdaCaller", ns + "Callee"), edges);
        Assert.Contains((ns + "GenericLocalUser", ns + "Callee"), edges);
        Assert.DoesNotContain(edges, e => e.From == ns + "Callee");
    }

    /// <summary>"FaceBoost.Synthesis.Procedural.FaceIdentity" → "Synthesis"; null outside FaceBoost.&lt;Folder&gt;.</summary>
    private static string? Folder(string typeName)
    {
        var parts = typeName.Split('.');
        return parts.Length >= 3 && parts[0] == "FaceBoost" ? parts[1] : null;
    }
}

/// <summary>Which types of an assembly use which other types of the same assembly: base types, interfaces,
/// generic constraints, fields, properties, events, attributes, method signatures, locals, and every type,
/// method and field token in method bodies. Nested and compiler-generated types (lambdas, iterators,
/// async state machines) count as their outermost declaring type.</summary>
internal static class ReferenceScanner
{
    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value);

    public static HashSet<(string From, string To)> Scan(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var md = pe.GetMetadataReader();
        var provider = new Collector(md);
        var edges = new HashSet<(string, string)>();
        foreach (var handle in md.TypeDefinitions)
        {
            var type = md.GetTypeDefinition(handle);
            var from = provider.OuterName(handle);
            var used = new HashSet<TypeDefinitionHandle>();
            provider.Sink = used;
            var context = new object();

            provider.AddEntity(type.BaseType);
            foreach (var i in type.GetInterfaceImplementations()) provider.AddEntity(md.GetInterfaceImplementation(i).Interface);
            foreach (var p in type.GetGenericParameters()) AddConstraints(md, provider, p);
            AddAttributes(md, provider, type.GetCustomAttributes());
            foreach (var f in type.GetFields())
            {
                var field = md.GetFieldDefinition(f);
                field.DecodeSignature(provider, context);
                AddAttributes(md, provider, field.GetCustomAttributes());
            }
            foreach (var p in type.GetProperties())
            {
                var prop = md.GetPropertyDefinition(p);
                prop.DecodeSignature(provider, context);
                AddAttributes(md, provider, prop.GetCustomAttributes());
            }
            foreach (var e in type.GetEvents()) provider.AddEntity(md.GetEventDefinition(e).Type);
            foreach (var m in type.GetMethods())
            {
                var method = md.GetMethodDefinition(m);
                method.DecodeSignature(provider, context);
                AddAttributes(md, provider, method.GetCustomAttributes());
                foreach (var p in method.GetGenericParameters()) AddConstraints(md, provider, p);
                if (method.RelativeVirtualAddress != 0) ScanBody(md, provider, pe.GetMethodBody(method.RelativeVirtualAddress));
            }
            foreach (var target in used)
            {
                var to = provider.OuterName(target);
                if (to != from) edges.Add((from, to));
            }
        }
        return edges;
    }

    private static void AddConstraints(MetadataReader md, Collector provider, GenericParameterHandle p)
    {
        foreach (var c in md.GetGenericParameter(p).GetConstraints()) provider.AddEntity(md.GetGenericParameterConstraint(c).Type);
    }

    private static void AddAttributes(MetadataReader md, Collector provider, CustomAttributeHandleCollection attributes)
    {
        foreach (var a in attributes) provider.AddEntity(md.GetCustomAttribute(a).Constructor);
    }

    private static void ScanBody(MetadataReader md, Collector provider, MethodBodyBlock body)
    {
        if (!body.LocalSignature.IsNil)
            md.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(provider, new object());
        foreach (var region in body.ExceptionRegions)
            if (!region.CatchType.IsNil) provider.AddEntity(region.CatchType);
        var il = body.GetILReader();
        while (il.RemainingBytes > 0)
        {
            short value = il.ReadByte();
            if (value == 0xFE) value = unchecked((short)(0xFE00 | il.ReadByte()));
            var op = OpCodesByValue[value];
            switch (op.OperandType)
            {
                case OperandType.InlineNone: break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar: il.ReadByte(); break;
                case OperandType.InlineVar: il.ReadInt16(); break;
                case OperandType.InlineI8 or OperandType.InlineR: il.ReadInt64(); break;
                case OperandType.InlineSwitch: int targets = il.ReadInt32(); il.Offset += 4 * targets; break;
                case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok or OperandType.InlineType:
                    provider.AddEntity(MetadataTokens.EntityHandle(il.ReadInt32()));
                    break;
                default: il.ReadInt32(); break;   // InlineBrTarget, InlineI, InlineSig, InlineString, ShortInlineR (4 bytes)
            }
        }
    }

    /// <summary>Decodes signatures, recording every type definition of the scanned assembly they mention.</summary>
    private sealed class Collector(MetadataReader md) : ISignatureTypeProvider<object?, object>
    {
        public HashSet<TypeDefinitionHandle> Sink { get; set; } = [];

        public string OuterName(TypeDefinitionHandle handle)
        {
            var type = md.GetTypeDefinition(handle);
            while (type.IsNested) { handle = type.GetDeclaringType(); type = md.GetTypeDefinition(handle); }
            var ns = md.GetString(type.Namespace);
            var name = md.GetString(type.Name);
            int tick = name.IndexOf('`');
            if (tick > 0) name = name[..tick];
            return ns.Length == 0 ? name : ns + "." + name;
        }

        public void AddEntity(EntityHandle handle)
        {
            if (handle.IsNil) return;
            var context = new object();
            switch (handle.Kind)
            {
                case HandleKind.TypeDefinition: Sink.Add((TypeDefinitionHandle)handle); break;
                case HandleKind.TypeSpecification: md.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(this, context); break;
                case HandleKind.FieldDefinition: Sink.Add(md.GetFieldDefinition((FieldDefinitionHandle)handle).GetDeclaringType()); break;
                case HandleKind.MethodDefinition: Sink.Add(md.GetMethodDefinition((MethodDefinitionHandle)handle).GetDeclaringType()); break;
                case HandleKind.MethodSpecification:
                    var spec = md.GetMethodSpecification((MethodSpecificationHandle)handle);
                    AddEntity(spec.Method);
                    spec.DecodeSignature(this, context);
                    break;
                case HandleKind.MemberReference:
                    var member = md.GetMemberReference((MemberReferenceHandle)handle);
                    AddEntity(member.Parent);
                    if (member.GetKind() == MemberReferenceKind.Method) member.DecodeMethodSignature(this, context);
                    else member.DecodeFieldSignature(this, context);
                    break;
            }
        }

        public object? GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) { Sink.Add(handle); return null; }
        public object? GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => null;
        public object? GetTypeFromSpecification(MetadataReader reader, object genericContext, TypeSpecificationHandle handle, byte rawTypeKind)
        { reader.GetTypeSpecification(handle).DecodeSignature(this, genericContext); return null; }
        public object? GetPrimitiveType(PrimitiveTypeCode typeCode) => null;
        public object? GetSZArrayType(object? elementType) => null;
        public object? GetArrayType(object? elementType, ArrayShape shape) => null;
        public object? GetByReferenceType(object? elementType) => null;
        public object? GetPointerType(object? elementType) => null;
        public object? GetPinnedType(object? elementType) => null;
        public object? GetGenericInstantiation(object? genericType, ImmutableArray<object?> typeArguments) => null;
        public object? GetGenericMethodParameter(object genericContext, int index) => null;
        public object? GetGenericTypeParameter(object genericContext, int index) => null;
        public object? GetFunctionPointerType(MethodSignature<object?> signature) => null;
        public object? GetModifiedType(object? modifier, object? unmodifiedType, bool isRequired) => null;
    }
}
