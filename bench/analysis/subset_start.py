#!/usr/bin/env python3
"""How much of the paired gain's spread is the labeled subset, and how much is the training's start.

A recognition seed picks two things: which identities are labeled (the subset) and how training starts (initial head,
dropout masks, batch order). `recognition.trainSeedOffset` moves only the second, so running one config with offsets
0, 100, 200, ... in the same workDir trains the same labeled people from different starts (the pretraining stages are
reused). Each run's report/results.json, copied aside, is one argument here. For every arm and evaluation set this
prints the per-run std of the gain over scratch, its within-subset (start) std, and the subset's variance component
(std of the subset means minus the start noise they still carry), then the per-subset mean gains and the gain per group.

usage: subset_start.py RESULTS_OFFSET0.json RESULTS_OFFSET100.json [...]   (one results.json per offset, same seeds)
"""
import json, math, statistics as st, sys


def load(path, key):
    out = {}
    for r in json.load(open(path)):
        if r.get("draw", 0) != 0:
            continue  # a crossed run's other draws are not repeats of this subset's start
        for name, value in key(r):
            out[(r["arm"], r["labelFraction"], r["evalSet"], r["seed"], name)] = 100 * value
    return out


def components(rows):
    """rows: one list per subset, one value per start. Returns mean, per-run std, start std, subset component."""
    k, values = len(rows[0]), [v for row in rows for v in row]
    within = math.sqrt(sum(sum((v - st.mean(row)) ** 2 for v in row) for row in rows) / (len(rows) * (k - 1)))
    between = st.stdev([st.mean(row) for row in rows])
    return st.mean(values), st.stdev(values), within, math.sqrt(max(0.0, between ** 2 - within ** 2 / k))


def table(runs, group):
    arms = sorted({key[0] for key in runs[0]} - {"scratch"})
    for (f, s) in sorted({(key[1], key[2]) for key in runs[0] if key[4] == group}):
        seeds = sorted({key[3] for key in runs[0] if key[1:3] == (f, s) and key[4] == group})
        scratch = [[r[("scratch", f, s, seed, group)] for r in runs] for seed in seeds]
        for arm in arms:
            if any((arm, f, s, seed, group) not in r for r in runs for seed in seeds):
                continue
            arm_acc = [[r[(arm, f, s, seed, group)] for r in runs] for seed in seeds]
            gain = [[a - b for a, b in zip(x, y)] for x, y in zip(arm_acc, scratch)]
            label = f"{s} {f:g} {group}"
            for name, rows in (("gain", gain), ("scratch", scratch), (arm, arm_acc)):
                m, per_run, start, subset = components(rows)
                print(f"{label:24s} {arm:14s} {name:14s} mean {m:6.2f}  per-run std {per_run:5.2f}  "
                      f"start std {start:5.2f}  subset component {subset:5.2f}")
            flat = [g for row in gain for g in row]
            print(f"{label:24s} {arm:14s} per-subset mean gain: " + ", ".join(f"{st.mean(r):+.2f}" for r in gain)
                  + f"   ({sum(g > 0 for g in flat)}/{len(flat)} runs +, SE over subsets "
                  f"{st.stdev([st.mean(r) for r in gain]) / math.sqrt(len(gain)):.2f})")


if len(sys.argv) < 3:
    sys.exit(__doc__)
overall = [load(p, lambda r: [("all", r["overall"]["accuracy"])]) for p in sys.argv[1:]]
table(overall, "all")
groups = [load(p, lambda r: [(g, v["accuracy"]) for g, v in (r.get("groups") or {}).items()]) for p in sys.argv[1:]]
for g in sorted({key[4] for key in groups[0]}):
    table(groups, g)
