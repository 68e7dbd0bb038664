#!/usr/bin/env python3
"""A minimal re-implementation of insightface's verification protocol
(recognition/arcface_torch/eval/verification.py: calculate_roc, calculate_accuracy, calculate_val,
calculate_val_far, LFold/KFold) that runs on committed SCORES instead of embeddings, to pin the figures
FaceBoost's `--protocol insightface` must reproduce (tests/FaceBoost.Tests/Evaluation/InsightfaceReferenceTests.cs).

Scores are cosine similarities s of L2-normalised embeddings; the reference works on squared L2 distances,
d = ||a - b||^2 = 2 - 2 s, and predicts "same" when d < threshold.

  accuracy:  per fold, train accuracy at every threshold of np.arange(0, 4, 0.01); np.argmax (first best,
             i.e. the smallest distance = the highest similarity among ties) is applied to the test fold;
             mean and np.std (population) over folds.
  TAR@FAR:   calculate_val over np.arange(0, 4, 0.001): if max(far_train) >= target the threshold is
             interp1d(far_train, thresholds, kind='slinear')(target), else 0. far_train repeats values, and
             SciPy >= 1.9 refuses repeated x in 'slinear' ("Expect x to not have duplicates",
             scipy/scipy#21550), so the reference only runs with SciPy <= 1.8. SciPy 1.8 built that interpolant as
             make_interp_spline(x, y, k=1), whose k=1 branch is BSpline(t=[x0, x0, x1, ..., xn-1, xn-1], c=y, k=1);
             interp1d_slinear_scipy18 builds exactly that spline (BSpline accepts repeated knots in every SciPy).
  AUC:       sklearn.metrics.roc_auc_score on the scores (exact; ties count half).
  folds:     sklearn KFold(n_splits=10, shuffle=False) over the pairs in order, or, with a fold column
             (fold >= 0, e.g. FaceBoost's stratified folds of a generated list), test = that fold, train = the rest.

Usage:  python3 insightface_verification.py fixtures/ties.tsv [--folds kfold|column] [--per-group] [--far 1e-2 1e-3]
        python3 insightface_verification.py --all      # rewrites fixtures/expected.json for every case
Needs python3-numpy, python3-scipy, python3-sklearn (Debian).
"""
import argparse
import json
import os
import sys

import numpy as np
from scipy.interpolate import BSpline
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import KFold

HERE = os.path.dirname(os.path.abspath(__file__))


def read_scores(path):
    """FaceBoost's scores.tsv: pair, score, label, fold, group[, group_fold]; empty score = excluded pair."""
    rows = []
    with open(path) as f:
        header = f.readline().rstrip("\n").split("\t")
        col = {name: i for i, name in enumerate(header)}
        for line in f:
            v = line.rstrip("\n").split("\t")
            if v[col["score"]] == "":
                continue
            rows.append((float(v[col["score"]]), v[col["label"]] == "1", int(v[col["fold"]]), v[col["group"]] if "group" in col else ""))
    scores = np.array([r[0] for r in rows], dtype=np.float64)
    same = np.array([r[1] for r in rows], dtype=bool)
    folds = np.array([r[2] for r in rows], dtype=np.int64)
    groups = np.array([r[3] for r in rows], dtype=object)
    return scores, same, folds, groups


def splits(n, folds, nrof_folds=10):
    if folds is None:
        return list(KFold(n_splits=nrof_folds, shuffle=False).split(np.arange(n)))
    ids = sorted(set(folds.tolist()))
    idx = np.arange(n)
    return [(idx[folds != f], idx[folds == f]) for f in ids]


def calculate_accuracy(threshold, dist, actual_issame):
    predict_issame = np.less(dist, threshold)
    tp = np.sum(np.logical_and(predict_issame, actual_issame))
    tn = np.sum(np.logical_and(np.logical_not(predict_issame), np.logical_not(actual_issame)))
    return float(tp + tn) / dist.size


def calculate_roc(dist, issame, fold_splits):
    thresholds = np.arange(0, 4, 0.01)
    accuracy, chosen = [], []
    for train_set, test_set in fold_splits:
        acc_train = np.array([calculate_accuracy(t, dist[train_set], issame[train_set]) for t in thresholds])
        best = np.argmax(acc_train)
        chosen.append(float(thresholds[best]))
        accuracy.append(calculate_accuracy(thresholds[best], dist[test_set], issame[test_set]))
    return np.array(accuracy), chosen


def calculate_val_far(threshold, dist, actual_issame):
    predict_issame = np.less(dist, threshold)
    true_accept = np.sum(np.logical_and(predict_issame, actual_issame))
    false_accept = np.sum(np.logical_and(predict_issame, np.logical_not(actual_issame)))
    return float(true_accept) / float(np.sum(actual_issame)), float(false_accept) / float(np.sum(np.logical_not(actual_issame)))


def interp1d_slinear_scipy18(x, y, x_new):
    """scipy 1.8's interp1d(x, y, kind='slinear')(x_new): stable sort, bounds check, then the k=1 spline."""
    ind = np.argsort(x, kind="mergesort")
    x, y = np.asarray(x)[ind], np.asarray(y)[ind]
    if x_new < x[0] or x_new > x[-1]:
        raise ValueError("A value in x_new is outside the interpolation range.")
    return float(BSpline(np.r_[x[0], x, x[-1]], y, 1)(x_new))


def calculate_val(dist, issame, fold_splits, far_target):
    thresholds = np.arange(0, 4, 0.001)
    val, far = [], []
    for train_set, test_set in fold_splits:
        far_train = np.array([calculate_val_far(t, dist[train_set], issame[train_set])[1] for t in thresholds])
        threshold = interp1d_slinear_scipy18(far_train, thresholds, far_target) if np.max(far_train) >= far_target else 0.0
        v, f = calculate_val_far(threshold, dist[test_set], issame[test_set])
        val.append(v)
        far.append(f)
    return float(np.mean(val)), float(np.std(val)), float(np.mean(far))


def evaluate(scores, same, folds, fars):
    dist = 2 - 2 * scores
    fold_splits = splits(len(scores), folds)
    acc, chosen = calculate_roc(dist, same, fold_splits)
    out = {
        "pairs": int(len(scores)),
        "fold_sizes": [int(len(t)) for _, t in fold_splits],
        "accuracy": float(np.mean(acc)), "std": float(np.std(acc)),
        "fold_accuracies": [float(a) for a in acc], "fold_thresholds": chosen,
        "auc": float(roc_auc_score(same, scores)),
        "tar_at_far": [],
    }
    for target in fars:
        v, s, f = calculate_val(dist, same, fold_splits, target)
        out["tar_at_far"].append({"far": target, "tar": v, "std": s, "achieved_far": f})
    return out


def run(path, fold_mode, per_group, fars):
    scores, same, folds, groups = read_scores(path)
    fold_ids = folds if fold_mode == "column" else None
    result = {"file": os.path.relpath(path, HERE), "folds": fold_mode, "overall": evaluate(scores, same, fold_ids, fars)}
    if per_group:
        names = list(dict.fromkeys(groups.tolist()))
        result["groups"] = {}
        for g in names:
            m = groups == g
            result["groups"][g] = evaluate(scores[m], same[m], fold_ids[m] if fold_ids is not None else None, fars)
        accs = np.array([result["groups"][g]["accuracy"] for g in names])
        result["group_avg"], result["group_std"] = float(np.mean(accs)), float(np.std(accs))
    return result


CASES = {
    "ties": ("fixtures/ties.tsv", "kfold", False),
    "n597": ("fixtures/n597.tsv", "kfold", False),
    "generated": ("fixtures/generated.tsv", "column", False),
    "lfw": ("fixtures/lfw.tsv", "kfold", False),
    "rfw": ("fixtures/rfw.tsv", "kfold", True),
}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("scores", nargs="?")
    ap.add_argument("--folds", choices=["kfold", "column"], default="kfold")
    ap.add_argument("--per-group", action="store_true")
    ap.add_argument("--far", type=float, nargs="+", default=[1e-2, 1e-3])
    ap.add_argument("--all", action="store_true", help="every fixture case → fixtures/expected.json")
    a = ap.parse_args()
    if a.all:
        import scipy, sklearn
        out = {"generator": "bench/reference/insightface_verification.py --all",
               "versions": {"numpy": np.__version__, "scipy": scipy.__version__, "sklearn": sklearn.__version__},
               "cases": {name: run(os.path.join(HERE, f), mode, grp, a.far) for name, (f, mode, grp) in CASES.items()}}
        with open(os.path.join(HERE, "fixtures", "expected.json"), "w") as f:
            json.dump(out, f, indent=1)
            f.write("\n")
        for name, c in out["cases"].items():
            o = c["overall"]
            print(f"{name}: acc {o['accuracy']:.4f} ± {o['std']:.4f}  TAR@1e-2 {o['tar_at_far'][0]['tar']:.4f}  AUC {o['auc']:.4f}  folds {o['fold_sizes']}")
        return 0
    if not a.scores:
        ap.error("give a scores file or --all")
    json.dump(run(a.scores, a.folds, a.per_group, a.far), sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
