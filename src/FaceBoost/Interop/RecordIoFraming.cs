namespace FaceBoost.Interop;

/// <summary>dmlc-core RecordIO framing as MXNet writes `.rec` files: each part is
/// [magic uint32 LE][lrecord uint32 LE][data][zero padding to 4 bytes], with lrecord's upper 3 bits the
/// continuation flag and the lower 29 the part length. A payload that contains the magic at a
/// 4-aligned position is split there (the magic itself is dropped and re-inserted by the reader):
/// cflag 0 = whole record, 1 = first part, 2 = middle part, 3 = last part.</summary>
public static class RecordIoFraming
{
    public const uint Magic = 0xced7230a;
    public const int MaxPartLength = (1 << 29) - 1;

    public static uint EncodeLRecord(uint cflag, uint length) => (cflag << 29) | length;
    public static uint DecodeFlag(uint lrecord) => lrecord >> 29;
    public static uint DecodeLength(uint lrecord) => lrecord & ((1u << 29) - 1);
    public static int Padded(int length) => (length + 3) & ~3;
}
