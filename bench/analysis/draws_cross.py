#!/usr/bin/env python3
"""Crossed analysis of pretraining draws: every recognition seed against every pretraining draw.

An experiment with "pretrainDraws": N pairs recognition seed i with draw i mod N (the diagonal). Running the same
config again with its seeds rotated ([1,2,3,4,0], [2,3,4,0,1], ...) in the same workDir reuses every GAN, encoder and
scratch stage and trains only the new (seed, draw) pairs. A run with "crossDraws": true holds the whole table at once
(each result names its "draw"), and its report has the same split; this script reads each run's report/results.json and
config.resolved.json (copied aside after each run) and splits the paired gain's spread into what the pretraining
draw contributes and what the recognition seed contributes.

usage: draws_cross.py RUN_DIR [RUN_DIR ...]   (each holding results.json and config.resolved.json)
"""
import json, math, os, statistics as st, sys
from collections import defaultdict

def load(d):
    cfg = json.load(open(os.path.join(d, "config.resolved.json")))
    seeds, draws = cfg["seeds"], cfg.get("pretrainDraws", 1)
    for r in json.load(open(os.path.join(d, "results.json"))):
        # Results written since crossDraws name their draw; older ones imply it from the seed's position.
        yield r, r.get("draw", seeds.index(r["seed"]) % draws), draws

def cfg_crossed(d):
    return json.load(open(os.path.join(d, "config.resolved.json"))).get("crossDraws", False)

acc = {}          # (arm, fraction, set, seed, draw) -> accuracy; scratch has draw None
first = set()     # the (seed, draw) pairs of the first run: the diagonal its report shows
for i, d in enumerate(sys.argv[1:]):
    for r, draw, n in load(d):
        if i == 0 and not cfg_crossed(d):
            first.add((r["seed"], draw))
        key = (r["arm"], r["labelFraction"], r["evalSet"], r["seed"], None if r["arm"] == "scratch" else draw)
        acc[key] = r["overall"]["accuracy"]

cells = defaultdict(dict)  # (arm, fraction, set) -> {(seed, draw): gain in points}
for (arm, f, s, seed, draw), a in acc.items():
    if arm == "scratch":
        continue
    cells[(arm, f, s)][(seed, draw)] = 100 * (a - acc[("scratch", f, s, seed, None)])

def sd(xs):
    return st.stdev(xs) if len(xs) > 1 else float("nan")

print(f"| arm | labels | set | cells | mean gain | diagonal (as reported) | per-draw gains (mean over seeds) | draws std | seeds std | residual std | SE of mean | draws > 0 | shown (draws as units) |")
print("|---|---:|---|---:|---:|---|---|---:|---:|---:|---:|---:|---|")
for (arm, f, s), g in sorted(cells.items()):
    seeds = sorted({k[0] for k in g}); ds = sorted({k[1] for k in g})
    if len(g) != len(seeds) * len(ds):
        print(f"| {arm} | {f:.0%} | {s} | {len(g)} (incomplete: {len(seeds)} seeds × {len(ds)} draws) |"); continue
    mean = st.mean(g.values())
    dm = {d: st.mean(g[(x, d)] for x in seeds) for d in ds}
    sm = {x: st.mean(g[(x, d)] for d in ds) for x in seeds}
    resid = [g[(x, d)] - dm[d] - sm[x] + mean for x in seeds for d in ds]
    dof = (len(seeds) - 1) * (len(ds) - 1)
    rvar = sum(e * e for e in resid) / dof if dof else float("nan")
    # Draw and seed variance components (two-way random effects, one observation per cell).
    vd = max(0.0, st.variance(dm.values()) - rvar / len(seeds)) if len(ds) > 1 else 0.0
    vs = max(0.0, st.variance(sm.values()) - rvar / len(ds)) if len(seeds) > 1 else 0.0
    se = math.sqrt(vd / len(ds) + vs / len(seeds) + rvar / (len(ds) * len(seeds)))
    diag = [v for k, v in g.items() if k in first]
    dtext = f"{st.mean(diag):+.2f} ± {sd(diag):.2f}" if diag else "– (crossed run)"
    per_draw = " ".join(f"{dm[d]:+.2f}" for d in ds)
    dstd = sd(list(dm.values()))
    shown = "yes" if len(ds) >= 3 and mean > 3 * dstd else "no"
    print(f"| {arm} | {f:.0%} | {s} | {len(g)} | {mean:+.2f} | {dtext} | {per_draw} | "
          f"{math.sqrt(vd):.2f} | {math.sqrt(vs):.2f} | {math.sqrt(rvar):.2f} | {se:.2f} | {sum(v > 0 for v in dm.values())}/{len(ds)} | {shown} ({mean:+.2f} vs 3 × {dstd:.2f}) |")
