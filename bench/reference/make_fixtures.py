#!/usr/bin/env python3
"""Writes the synthetic score fixtures of the insightface-protocol tests (plain Python, no NumPy): scores are
cosine similarities drawn from two overlapping distributions; no image and no real data is involved.

  ties.tsv        200 pairs, scores on a 0.02 grid (distances on a 0.04 grid): many tied grid thresholds
  n597.tsv        597 pairs (n % 10 != 0): KFold gives 60 x7 then 59 x3
  generated_input.tsv  600 pairs ordered as PairSets.Generate writes them (genuine first); FaceBoost assigns the
                  stratified folds: `faceboost eval --from-scores generated_input.tsv --fold-scheme stratified
                  --out DIR` writes DIR/scores.tsv, committed as generated.tsv
  lfw_pairs.txt + lfw.tsv   an LFW pairs.txt with a "10 30" header over made-up names, and its scores
  rfw/<group>_pairs.txt + rfw.tsv   four RFW-style group lists (300, 300, 300, 295 pairs; blocks of 15 same / 15 different) and their scores
"""
import os
import random

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
HEADER = "pair\tscore\tlabel\tfold\tgroup\tgroup_fold\n"


def score(rng, same, sep=0.35, spread=0.16):
    mu = 0.25 + sep if same else 0.25
    return max(-0.99, min(0.999, rng.gauss(mu, spread)))


def write_scores(name, rows):
    """rows: (score, same, fold, group)."""
    with open(os.path.join(HERE, name), "w", newline="\n") as f:
        f.write(HEADER)
        for i, (s, same, fold, group) in enumerate(rows):
            f.write(f"{i}\t{s!r}\t{1 if same else 0}\t{fold}\t{group or ''}\t-1\n")


def main():
    os.makedirs(os.path.join(HERE, "rfw"), exist_ok=True)
    rng = random.Random(18)

    labels = [rng.random() < 0.5 for _ in range(200)]
    write_scores("ties.tsv", [(round(score(rng, s) * 50) / 50, s, -1, None) for s in labels])

    labels = [rng.random() < 0.5 for _ in range(597)]
    write_scores("n597.tsv", [(score(rng, s), s, -1, None) for s in labels])

    labels = [True] * 300 + [False] * 300
    write_scores("generated_input.tsv", [(score(rng, s, sep=0.3), s, -1, None) for s in labels])

    # LFW: 10 folds of 30 same + 30 different lines.
    lines, rows = ["10\t30"], []
    for fold in range(10):
        for k in range(30):
            name = f"Person_{fold:02d}_{k:02d}"
            lines.append(f"{name}\t{1 + k % 3}\t{4 + k % 5}")
            rows.append((score(rng, True), True, -1, None))
        for k in range(30):
            lines.append(f"Person_{fold:02d}_{k:02d}\t{1 + k % 4}\tOther_{fold:02d}_{k:02d}\t{1 + k % 2}")
            rows.append((score(rng, False), False, -1, None))
    with open(os.path.join(HERE, "lfw_pairs.txt"), "w", newline="\n") as f:
        f.write("\n".join(lines) + "\n")
    write_scores("lfw.tsv", rows)

    # RFW: one list per group, no header, 300 pairs in blocks of 15 same / 15 different (295 for the last group).
    rows = []
    for g, (group, n, sep) in enumerate([("African", 300, 0.25), ("Asian", 300, 0.3), ("Caucasian", 300, 0.4), ("Indian", 295, 0.33)]):
        lines = []
        for i in range(n):
            same = (i // 15) % 2 == 0
            k = i % 30
            if same:
                lines.append(f"m.{group[:3]}{i:04d}\t{1 + k % 3}\t{4 + k % 2}")
            else:
                lines.append(f"m.{group[:3]}{i:04d}\t1\tm.{group[:3]}x{i:04d}\t2")
            rows.append((score(rng, same, sep=sep), same, -1, group))
        with open(os.path.join(HERE, "rfw", f"{group}_pairs.txt"), "w", newline="\n") as f:
            f.write("\n".join(lines) + "\n")
    write_scores("rfw.tsv", rows)


if __name__ == "__main__":
    main()
