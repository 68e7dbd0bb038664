using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Runtime;

/// <summary>Scalars held for the life of the process, and value reads that hold their Scalar.
/// TorchSharp passes a Scalar's handle to libtorch without keeping the Scalar alive, so every Scalar handed to a
/// tensor op must be referenced until the op returns: a static field (here), a held field, or a `using var` local.
/// BannedSymbols.txt makes the compiler reject the implicit and internal Scalars (docs/torchsharp-hazards.md).</summary>
public static class Scalars
{
    /// <summary>Integer 1: the alpha of `a + b` and the step of `num_batches_tracked` (valid for integral tensors).</summary>
    public static readonly Scalar One = 1.ToScalar();
    public static readonly Scalar MinusOne = (-1).ToScalar();
    public static readonly Scalar Zero = 0.ToScalar();
    public static readonly Scalar Two = 2.ToScalar();
    public static readonly Scalar Three = 3.ToScalar();
    public static readonly Scalar Four = 4.ToScalar();
    public static readonly Scalar Eight = 8.ToScalar();
    /// <summary>1e-8, the usual epsilon under a square root.</summary>
    public static readonly Scalar Epsilon8 = 1e-8.ToScalar();
    public static readonly Scalar Half = 0.5.ToScalar();
    public static readonly Scalar OneDouble = 1.0.ToScalar();
    public static readonly Scalar TwoDouble = 2.0.ToScalar();
    public static readonly Scalar Byte255 = 255.ToScalar();
    public static readonly Scalar Float255 = 255.0.ToScalar();
    /// <summary>The 0.2 slope of StyleGAN's leaky ReLU.</summary>
    public static readonly Scalar LeakySlope = 0.2.ToScalar();
    /// <summary>√2, StyleGAN's gain after a leaky ReLU.</summary>
    public static readonly Scalar Sqrt2 = Math.Sqrt(2).ToScalar();

    /// <summary>The value of a one-element tensor as a double (any dtype), holding the Scalar while it is read.</summary>
    public static double ToDouble(Tensor t)
    {
        using var s = t.ToScalar();
        GC.KeepAlive(t); // a caller's temporary (`ToDouble(x.mean())`) stays reachable until the native read is done
        return s.ToDouble();
    }

    /// <summary>The value of a one-element tensor as a float (any dtype).</summary>
    public static float ToSingle(Tensor t)
    {
        using var s = t.ToScalar();
        GC.KeepAlive(t); // a caller's temporary (`ToDouble(x.mean())`) stays reachable until the native read is done
        return s.ToSingle();
    }

    /// <summary>The value of a one-element tensor as a long (any dtype).</summary>
    public static long ToInt64(Tensor t)
    {
        using var s = t.ToScalar();
        GC.KeepAlive(t); // a caller's temporary (`ToDouble(x.mean())`) stays reachable until the native read is done
        return s.ToInt64();
    }
}
