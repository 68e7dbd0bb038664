"""Reads an insightface train.rec/train.idx the way insightface's MXFaceDataset does with
mxnet.recordio (MXIndexedRecordIO + unpack), re-implemented in plain Python because MXNet is not
packaged for Debian: dmlc-core framing (magic 0xced7230a, cflag/length lrecord, 4-byte padding,
multi-part records re-joined with the magic), IRHeader struct 'IfQQ', flag>0 → float32 label vector.

  python3 recordio_ref.py <dir>   → prints "header <imgs_end> <ids_end>" then "<key> <label> <sha1 of payload>" per image
"""
import hashlib
import os
import struct
import sys

MAGIC = 0xced7230a
IR_FORMAT = 'IfQQ'
IR_SIZE = struct.calcsize(IR_FORMAT)


def read_idx(path):
    idx = {}
    with open(path) as f:
        for line in f:
            k, v = line.strip().split('\t')
            idx[int(k)] = int(v)
    return idx


def read_record(f, pos):
    f.seek(pos)
    out = b''
    while True:
        magic, lrec = struct.unpack('<II', f.read(8))
        assert magic == MAGIC, 'invalid RecordIO magic'
        cflag, length = lrec >> 29, lrec & ((1 << 29) - 1)
        data = f.read((length + 3) & ~3)
        out += data[:length]
        if cflag in (0, 3):
            return out
        out += struct.pack('<I', MAGIC)


def unpack(s):
    flag, label, id1, id2 = struct.unpack(IR_FORMAT, s[:IR_SIZE])
    s = s[IR_SIZE:]
    if flag > 0:
        label = struct.unpack('<%df' % flag, s[:4 * flag])
        s = s[4 * flag:]
    return (flag, label, id1, id2), s


def main(root):
    idx = read_idx(os.path.join(root, 'train.idx'))
    with open(os.path.join(root, 'train.rec'), 'rb') as f:
        (flag, label, _, _), _ = unpack(read_record(f, idx[0]))
        assert flag > 0
        print('header', int(label[0]), int(label[1]))
        for k in range(1, int(label[0])):  # MXFaceDataset: imgidx = range(1, header.label[0])
            (flag, lab, _, _), img = unpack(read_record(f, idx[k]))
            lab = lab if flag == 0 else lab[0]
            print(k, int(lab), hashlib.sha1(img).hexdigest())


if __name__ == '__main__':
    main(sys.argv[1])
