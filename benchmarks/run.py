"""Benchmarks of snorkel_slice against Snorkel 0.10.0: same outputs first, then speed.

Usage::

    python benchmarks/run.py                      # every case, about 18 minutes on 2 cores
    python benchmarks/run.py --smoke --out X.json # a tiny version of every case, seconds
    python benchmarks/run.py --cases apply_cheap,score_slices
    python benchmarks/run.py --cases pool --out X.json  # our fork pool vs joblib
    python benchmarks/run.py --cases spark --out X.json # Spark vs Dask vs pandas, start-up apart
    python benchmarks/run.py --cases apply_width,apply_vectorized,thousand_slices,slice_aware_cost

Every case runs both implementations on the same input, alternating, after a warm-up, several
times; it checks that the outputs are identical (raising ``NotIdentical`` otherwise) before any
time is reported. The table gives medians and ratios (Snorkel's time / ours: > 1 means ours is
faster); the JSON (default ``benchmarks/results/latest.json``) holds every run and the machine.
Compare ratios within one run only: the machine is shared and its load varies.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from cases_apply import apply_cheap, apply_textblob, dask_apply
from cases_pool import pool
from cases_scorer import score_slices
from cases_spark import spark
from cases_suite import suite
from cases_thousands import slice_aware_cost, thousand_slices
from cases_train import train
from cases_vectorized import apply_vectorized, apply_width
from common import ROOT, NotIdentical, load_avg, machine

CASES = {
    "apply_cheap": apply_cheap,
    "apply_textblob": apply_textblob,
    "score_slices": score_slices,
    "train": train,
    "dask_apply": dask_apply,
    "suite": suite,
    "pool": pool,
    "spark": spark,
    "apply_width": apply_width,
    "apply_vectorized": apply_vectorized,
    "thousand_slices": thousand_slices,
    "slice_aware_cost": slice_aware_cost,
}
# Run only when named in --cases: not part of the default (or --smoke) run of every case.
DEFAULT_OUT = ROOT / "benchmarks" / "results" / "latest.json"


def describe(res: dict[str, Any]) -> tuple[str, str, str]:
    """Median, rate (or other facts) and ratio of one implementation, as table cells."""
    if "error" in res:
        return "-", ("runs" if res["error"] is None else f"FAILS: {res['error']}")[:120], "-"
    unit = res.get("unit", "")
    median = f"{res['median_s']:.3f} s" + ("/batch" if unit == "s/batch" else "")
    facts = []
    if "rate" in res:
        facts.append(f"{res['rate']:,.0f} {unit}")
    if "epoch_s" in res:
        facts.append(f"epoch {res['epoch_s']:.1f} s")
    if "peak_mb" in res:
        facts.append(f"peak {res['peak_mb']:,.0f} MB")
    if "facts" in res:
        facts.append(res["facts"])
    ratio = f"{res['ratio']:.2f}x" if "ratio" in res else ""
    if "epoch_ratio" in res:
        ratio += f" (epoch {res['epoch_ratio']:.2f}x)"
    return median, ", ".join(facts), ratio


def table(report: dict[str, Any]) -> str:
    """The results as a Markdown table (it goes into benchmarks/README.md as is)."""
    lines = ["| case | implementation | median | rate / facts | Snorkel / this |",
             "|---|---|---:|---|---:|"]
    for name, case in report["cases"].items():
        if "skipped" in case:
            lines.append(f"| {name} | - | - | skipped: {case['skipped']} | - |")
        for impl, res in case.get("results", {}).items():
            lines.append(f"| {name} | {impl} | {' | '.join(describe(res))} |")
    return "\n".join(lines)


def extras(report: dict[str, Any]) -> str:
    """The facts that are not one row per implementation: FLOP/s, profile, suite times."""
    out = []
    case = report["cases"].get("train")
    if case and "achieved" in case:
        f, a, p = case["flops_per_batch"], case["achieved"], case["matmul_peak"]
        out.append(f"train: GFLOP per batch: Snorkel {f['snorkel'] / 1e9:.1f}, ours {f['ours'] / 1e9:.1f} "
                   f"(nominal 3x forward: {f['nominal_3x_forward'] / 1e9:.1f}); matmul peak "
                   f"{p['gflops']:.0f} GFLOP/s ({p['n']}^2 float32, {p['threads']} threads)")
        out.append(f"train: memory traffic >= {case['step_bytes_lower_bound'] / 1e9:.1f} GB per step; copy "
                   f"bandwidth {case['memory_bandwidth']['gb_per_s']:.1f} GB/s -> floor "
                   f"{case['memory_floor_s_per_batch']:.2f} s/batch")
        m = case["fresh_gradient_memory"]
        out.append(f"train: zero-filling {m['bytes'] / 1e6:,.0f} MB (the K transforms' gradient): fresh "
                   f"{m['fresh_s'] * 1e3:.0f} ms, reused {m['reused_s'] * 1e3:.0f} ms")
        out.append(f"train: achieved GFLOP/s: Snorkel {a['snorkel_gflops']:.1f}, ours executed "
                   f"{a['ours_gflops_executed']:.1f}, ours Snorkel-equivalent "
                   f"{a['ours_gflops_snorkel_equivalent']:.1f}")
        for impl, prof in case["profile"].items():
            ops = ", ".join(f"{o['op']} {o['share']:.0%}" for o in prof["ops"][:6])
            out.append(f"train: profile {impl} ({prof['total_ms_per_batch']:.0f} ms/batch): {ops}")
    case = report["cases"].get("apply_cheap")
    if case and "sf_body_us_per_row" in case:
        costs = ", ".join(f"{k} {v:.2f}" for k, v in case["sf_body_us_per_row"].items())
        out.append(f"apply_cheap: each SF body timed alone, us/row: {costs}; all four per row, "
                   f"with no applier, are {case['floor_ratio']:.1f}x faster than Snorkel [texts]")
    case = report["cases"].get("apply_textblob")
    if case and "n_jobs2_speedup" in case:
        out.append(f"apply_textblob: n_jobs=2 over n_jobs=1: {case['n_jobs2_speedup']:.2f}x "
                   f"(pairwise {case['n_jobs2_speedup_pairwise']})")
    case = report["cases"].get("suite")
    if case and "pytest" in case:
        t = case["pytest"]
        out.append(f"suite: pytest {t['wall_s']:.0f} s wall ({t['summary']}); per notebook "
                   f"{t['notebooks_s']}; run-all {case['lessons_run_all_s']}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny version of every case")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write the JSON")
    parser.add_argument("--cases", default=",".join(CASES),
                        help="comma-separated subset of " + ", ".join(CASES) + " (default: all)")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.cases.split(",") if n.strip()]
    unknown = sorted(set(names) - set(CASES))
    if unknown:
        parser.error(f"unknown case(s) {unknown}; choose from {list(CASES)}")
    report: dict[str, Any] = {
        "command": " ".join(["python benchmarks/run.py", *(argv if argv is not None else sys.argv[1:])]),
        "smoke": args.smoke, "machine": machine(), "cases": {}, "identity_asserted": False,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    status = 0
    for name in names:
        print(f"== {name} (load {load_avg()})", flush=True)
        start, before = time.perf_counter(), load_avg()
        try:
            case = CASES[name](args.smoke)
        except NotIdentical as err:  # no speed is reported for a case whose outputs differ
            case, status = {"title": name, "identical": False, "error": str(err)}, 1
        case.update(seconds=round(time.perf_counter() - start, 1), load_avg_before=before,
                    load_avg_after=load_avg())
        report["cases"][name] = case
        args.out.write_text(json.dumps(report, indent=1, default=str))  # partial results survive
        print(table({"cases": {name: case}}).split("\n", 2)[-1], flush=True)
    measured = [c for name, c in report["cases"].items() if name != "suite" and "skipped" not in c]
    report["identity_asserted"] = bool(measured) and all(c.get("identical") for c in measured)
    args.out.write_text(json.dumps(report, indent=1, default=str))
    print(f"\n{report['machine']['cpu']}, {report['machine']['cores']} cores, "
          f"torch {report['machine']['versions']['torch']}, {report['machine']['date']}")
    print(table(report))
    print(extras(report))
    print(f"identity asserted for every measured case: {report['identity_asserted']}; JSON: {args.out}")
    return status


if __name__ == "__main__":
    sys.exit(main())
