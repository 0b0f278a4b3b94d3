"""w2vlib's trainer against gensim (1 worker) on the reference workload, in one run.

Workload (issue 5): lee_background.cor + gensim's shortened English Wikipedia
dump (``w2vlib.datasets.reference_corpus()``), min_count 5, negative 5,
window 5, size 100, sample 1e-3, 5 epochs; skip-gram, then CBOW.

Every (trainer, mode, seed) runs in its own child process so that the peak
resident memory (``resource.getrusage(RUSAGE_SELF).ru_maxrss``, read right
after training, before evaluation) belongs to that trainer alone. Both
children load the same corpus the same way, so the corpus is in both peaks.
Words/s = words trained (E · N in-vocabulary tokens) / wall time of the
constructor call (vocabulary + training) — the same definition for both.

OPENBLAS_NUM_THREADS=1 is set for every child (faster for these small
products on 2 cores, see PERFORMANCE.md). The machine may be shared: load
averages are printed before and after; only the ratio is meaningful.

w2vlib runs with its default float32 parameters; for skip-gram a second row
shows ``dtype=float64``.

Usage: python benchmarks/train_vs_gensim.py [--seeds 1 2 3] [--modes sg cbow]
"""
import argparse
import json
import os
import subprocess
import sys
import time

os.environ["OPENBLAS_NUM_THREADS"] = "1"

SETTINGS = dict(vector_size=100, window=5, negative=5, hs=0, sample=1e-3, min_count=5, epochs=5)
TARGETS = {"ratio": 0.35, "ws353_gap": 0.03, "rss_factor": 2.0}


def child(trainer, mode, seed):
    import resource

    import numpy as np
    from w2vlib.datasets import reference_corpus
    from w2vlib.evaluation import simlex999, wordsim353
    from w2vlib.keyedvectors import KeyedVectors

    corpus = reference_corpus()
    sg = 1 if mode == "sg" else 0
    t0 = time.perf_counter()
    if trainer.startswith("w2vlib"):
        from w2vlib import Word2Vec
        dtype = np.float64 if trainer == "w2vlib-float64" else np.float32  # float32 is the default
        model = Word2Vec(corpus, sg=sg, seed=seed, progress=False, dtype=dtype, **SETTINGS)
        seconds = time.perf_counter() - t0
        words = model.words_processed
        wv = model.wv
    else:
        from gensim.models import Word2Vec
        model = Word2Vec(corpus, sg=sg, seed=seed, workers=1, **SETTINGS)
        seconds = time.perf_counter() - t0
        words = SETTINGS["epochs"] * sum(model.wv.get_vecattr(w, "count") for w in model.wv.index_to_key)
        wv = KeyedVectors(list(model.wv.index_to_key), np.asarray(model.wv.vectors, dtype=np.float64))
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    ws, ws_cov = wordsim353(wv)
    sl, sl_cov = simlex999(wv)
    print(json.dumps(dict(seconds=seconds, words=int(words), words_per_s=words / seconds, ws353=ws,
                          ws353_coverage=ws_cov, simlex=sl, simlex_coverage=sl_cov, rss_mb=rss_mb,
                          vocab=len(wv))))


def run_child(trainer, mode, seed):
    out = subprocess.run([sys.executable, __file__, "--child", trainer, mode, str(seed)],
                         capture_output=True, text=True, env=os.environ.copy())
    if out.returncode != 0:
        raise SystemExit(f"child {trainer} {mode} seed {seed} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def mean(rows, key):
    return sum(r[key] for r in rows) / len(rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--modes", nargs="+", default=["sg", "cbow"], choices=["sg", "cbow"])
    ap.add_argument("--child", nargs=3, metavar=("TRAINER", "MODE", "SEED"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        trainer, mode, seed = args.child
        return child(trainer, mode, int(seed))

    import platform
    print(f"# reference workload, settings {SETTINGS}, seeds {args.seeds}")
    print(f"# OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}, load average before: {os.getloadavg()}")
    results = {}
    for mode in args.modes:
        trainers = ("w2vlib", "w2vlib-float64", "gensim") if mode == "sg" else ("w2vlib", "gensim")
        for trainer in trainers:
            results[mode, trainer] = [run_child(trainer, mode, s) for s in args.seeds]
    print(f"# load average after: {os.getloadavg()}")
    r0 = next(iter(results.values()))[0]
    print(f"# corpus: {r0['words'] // SETTINGS['epochs']:,} in-vocabulary tokens per epoch, {r0['vocab']:,} words; "
          f"WS353 coverage {r0['ws353_coverage']:.2f}, SimLex coverage {r0['simlex_coverage']:.2f}")
    print()
    print("| mode | trainer | words/s | ratio | WS353 ρ | SimLex ρ | peak RSS (MB) |")
    print("|---|---|---|---|---|---|---|")
    verdict = []
    names = {"w2vlib": "w2vlib (float32, default)", "w2vlib-float64": "w2vlib (dtype=float64)",
             "gensim": "gensim (1 worker)"}
    for mode in args.modes:
        ours, ref = results[mode, "w2vlib"], results[mode, "gensim"]
        ratio = mean(ours, "words_per_s") / mean(ref, "words_per_s")
        for (m, trainer), rows in results.items():
            if m != mode:
                continue
            r = mean(rows, "words_per_s") / mean(ref, "words_per_s")
            print(f"| {'skip-gram' if mode == 'sg' else 'CBOW'} | {names[trainer]} | {mean(rows, 'words_per_s'):,.0f} | "
                  f"{r:.2f}× | {mean(rows, 'ws353'):.3f} | {mean(rows, 'simlex'):.3f} | "
                  f"{max(r_['rss_mb'] for r_ in rows):.0f} |")
        gap = mean(ours, "ws353") - mean(ref, "ws353")
        rss = max(r["rss_mb"] for r in ours) / max(r["rss_mb"] for r in ref)
        verdict.append(f"{mode}: speed {ratio:.2f}× gensim (target ≥ {TARGETS['ratio']}×: "
                       f"{'met' if ratio >= TARGETS['ratio'] else 'MISSED'}), WS353 gap {gap:+.3f} "
                       f"(target |gap| ≤ {TARGETS['ws353_gap']} or better: "
                       f"{'met' if gap >= -TARGETS['ws353_gap'] else 'MISSED'}), peak RSS {rss:.2f}× "
                       f"(target ≤ {TARGETS['rss_factor']}×: {'met' if rss <= TARGETS['rss_factor'] else 'MISSED'})")
    print()
    for line in verdict:
        print("#", line)
    print("# per-seed rows:", json.dumps({f"{m}/{t}": [round(r["words_per_s"]) for r in rows]
                                          for (m, t), rows in results.items()}))


if __name__ == "__main__":
    main()
