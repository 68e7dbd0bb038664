#!/usr/bin/env python3
"""Writes the hand-made hostile files in Hostile/ (committed; rerun only to regenerate). Each is rejected by its
reader with the documented exception, in < 1 s and < 100 MB (HostileFileTests)."""
import os, struct, zlib, zipfile, io

H = os.path.join(os.path.dirname(os.path.abspath(__file__)), "Hostile")
os.makedirs(H, exist_ok=True)

def w(name, data):
    with open(os.path.join(H, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("latin1"))

# --- PNM ---
w("ppm-ascii-16384x16384.ppm", b"P3 16384 16384 255\n1 2 3\n")
# The PGM size bombs are written by HostileFileTests.WritePgmBombs at run time (no .pgm files committed).

# --- PNG ---
def chunk(t, d): return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
def png(wd, ht, raw=b"\x00" * 64):
    ihdr = struct.pack(">IIBBBBB", wd, ht, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
w("png-16384x16384.png", png(16384, 16384))
w("png-8000x8000-tiny.png", png(8000, 8000))
w("png-zero-width.png", png(0, 64))
w("png-width-2pow31.png", png(0x80000000, 1))

# --- JPEG: a minimal grayscale baseline JPEG whose SOF0 claims the size below ---
def jpeg(wd, ht):
    soi = b"\xff\xd8"
    dqt = b"\xff\xdb" + struct.pack(">H", 67) + b"\x00" + bytes([1] * 64)
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, ht, wd, 1) + b"\x01\x11\x00"
    # DC table: one 1-bit code for category 0; AC table: one 1-bit code for EOB.
    dht = b"\xff\xc4" + struct.pack(">H", 2 + 17 + 1) + b"\x00" + bytes([1] + [0] * 15) + b"\x00"
    dht += b"\xff\xc4" + struct.pack(">H", 2 + 17 + 1) + b"\x10" + bytes([1] + [0] * 15) + b"\x00"
    sos = b"\xff\xda" + struct.pack(">HB", 8, 1) + b"\x01\x00" + b"\x00\x3f\x00"
    return soi + dqt + sof + dht + sos + b"\x00" * 1100 + b"\xff\xd9"
w("jpeg-16384x16384.jpg", jpeg(16384, 16384))
w("jpeg-8000x8000-1kb.jpg", jpeg(8000, 8000))
w("jpeg-zero-height.jpg", jpeg(64, 0))

# --- .bin (pickle) ---
w("bin-os-system.bin", b"\x80\x02cos\nsystem\nq\x00X\x0b\x00\x00\x00echo pwnedq\x01\x85q\x02Rq\x03.")
w("bin-posix-system-stack-global.bin", b"\x80\x04\x8c\x05posix\x8c\x06system\x93\x8c\x02id\x85R.")
w("bin-binbytes-4gb.bin", b"\x80\x04(]B\xf0\xff\xff\xff" + b"\x00" * 16)
w("bin-binbytes8-huge.bin", b"\x80\x04\x8e" + struct.pack("<Q", 1 << 62) + b"\x00" * 8)
w("bin-negative-binstring.bin", b"\x80\x02T" + struct.pack("<i", -5) + b"abc.")
w("bin-deep-marks.bin", b"\x80\x02" + b"(" * 100000 + b".")
w("bin-not-a-pickle.bin", b"\x00" * 64)

# --- .pth: a torch.save zip whose data.pkl claims more elements than its storage holds ---
def pth(numel, stored, size=None):
    size = numel if size is None else size
    p = b"\x80\x02}q\x00X\x06\x00\x00\x00weightq\x01"                     # {'weight':
    p += b"ctorch._utils\n_rebuild_tensor_v2\nq\x02"                         # _rebuild_tensor_v2(
    p += b"((X\x07\x00\x00\x00storageq\x03ctorch\nFloatStorage\nq\x04X\x01\x00\x00\x000q\x05X\x03\x00\x00\x00cpuq\x06"
    p += b"J" + struct.pack("<i", numel) + b"tq\x07Q"                        #   persistent_load(('storage', FloatStorage, '0', 'cpu', numel)),
    p += b"K\x00J" + struct.pack("<i", size) + b"\x85q\x08K\x01\x85q\x09\x89"  #   0, (size,), (1,), False,
    p += b"ccollections\nOrderedDict\nq\x0a)Rq\x0btq\x0cRq\x0ds."           #   OrderedDict())}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr("archive/data.pkl", p)
        z.writestr("archive/byteorder", "little")
        z.writestr("archive/data/0", b"\x00" * stored)
        z.writestr("archive/version", "3\n")
    return buf.getvalue()
w("pth-numel-2pow31.pth", pth(0x7fffffff, 8))
w("pth-numel-450M.pth", pth(450_000_000, 12))
w("pth-view-outside-storage.pth", pth(3, 12, size=1_000_000))
w("pth-missing-storage-entry.pth", pth(3, 12).replace(b"archive/data/0", b"archive/data/9"))
w("pth-not-a-zip.pth", b"PK\x03\x04" + b"\xff" * 60)
with open(os.path.join(H, "..", "valid-tiny.pth.seed"), "wb") as f: f.write(pth(3, 12))

# --- JSON configs ---
w("json-duplicate-key.json", '{"name": "a", "name": "b"}')
w("json-base-number.json", '{"base": 5}')
w("json-base-self.json", '{"base": "json-base-self.json"}')
w("json-deep-nesting.json", "[" * 100000)
w("json-nul-in-base.json", '{"base": "a\\u0000b.json"}')
w("json-not-utf8.json", b"{\"name\": \"\xff\xfe\"}")

# --- pair and list files ---
w("pairs-nul-path.txt", "a\x00b.jpg\tc.jpg\t1\n")
w("pairs-bad-flag.txt", "a.jpg b.jpg 7\n")
w("list-nul-path.txt", "img/a\x00.jpg 3\n")
w("list-binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")

# --- RecordIO pairs (folder per case: train.rec + train.idx) ---
MAGIC = 0xced7230a
def rec_record(payload, cflag=0):
    ln = len(payload)
    return struct.pack("<II", MAGIC, (cflag << 29) | ln) + payload + b"\x00" * ((4 - ln % 4) % 4)
def irheader(flag, label, id1, labels=()):
    return struct.pack("<IfQQ", flag, label, id1, 0) + b"".join(struct.pack("<f", x) for x in labels)
def recset(name, records, idx_lines=None):
    d = os.path.join(H, name); os.makedirs(d, exist_ok=True)
    data, idx = b"", []
    for k, r in records:
        idx.append(f"{k}\t{len(data)}\n"); data += r
    open(os.path.join(d, "train.rec"), "wb").write(data)
    open(os.path.join(d, "train.idx"), "w").write("".join(idx_lines if idx_lines is not None else idx))
img = jpeg(8, 8)
recset("rec-header-claims-1e9-images.recset", [(0, rec_record(irheader(2, 0, 0, (1e9, 1e9 + 5)))), (1, rec_record(irheader(0, 0, 1) + img))])
recset("rec-header-nan.recset", [(0, rec_record(irheader(2, 0, 0, (float("nan"), 3)))), (1, rec_record(irheader(0, 0, 1) + img))])
recset("rec-flag-claims-huge-labels.recset", [(0, rec_record(struct.pack("<IfQQ", 0x7fffffff, 0, 0, 0)))])
recset("rec-length-past-eof.recset", [(0, struct.pack("<II", MAGIC, (1 << 29) - 1) + b"\x00" * 16)])
recset("idx-negative-offset.recset", [(0, rec_record(irheader(0, 0, 0) + img))], idx_lines=["0\t-8\n"])
recset("idx-offset-past-eof.recset", [(0, rec_record(irheader(0, 0, 0) + img))], idx_lines=["0\t99999999999\n"])
recset("rec-label-negative.recset", [(0, rec_record(irheader(0, -3.0, 0) + img))])
print("wrote", len(os.listdir(H)), "entries to", H)
