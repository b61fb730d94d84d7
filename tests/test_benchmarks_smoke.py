"""The benchmark script (benchmarks/run.py) cannot rot: its smoke run covers every case of issue 4.

Speeds are not checked here (see benchmarks/README.md); what is checked is that every case runs
both implementations and asserted identical outputs, and that a difference stops the run.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import run  # noqa: E402  (benchmarks/ is not a package: its scripts import each other by name)
from common import NotIdentical, alternate  # noqa: E402

CASES = {"apply_cheap", "apply_textblob", "score_slices", "train", "dask_apply", "suite", "pool",
         "spark", "apply_width", "apply_vectorized", "thousand_slices", "slice_aware_cost"}


def test_smoke_run_covers_every_case_and_asserts_identity(tmp_path):
    out = tmp_path / "smoke.json"
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--smoke", "--out", str(out)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(out.read_text())
    assert report["smoke"] is True and set(report["cases"]) == CASES
    assert report["identity_asserted"] is True
    assert report["machine"]["cores"] >= 1 and report["machine"]["versions"]["snorkel"] == "0.10.0"
    for name, case in report["cases"].items():
        if name == "suite":
            assert "skipped" in case  # it would run the suite from inside the suite
            continue
        assert case["identical"] is True and case["checks"], name
        medians = {impl: res["median_s"] for impl, res in case["results"].items() if "median_s" in res}
        assert len(medians) >= 2 and all(m > 0 for m in medians.values()), (name, medians)
    assert "| apply_cheap | snorkel [texts] |" in proc.stdout  # the table is printed
    # issue 16's cases: every width and layout ran, and 'before issue 16' agreed with ours
    assert {f"ours [{w} col]" for w in (1, 5, 50)} <= set(report["cases"]["apply_width"]["results"])
    assert "ours vectorized, Dask sync 4 partitions" in report["cases"]["apply_vectorized"]["results"]
    thousand = report["cases"]["thousand_slices"]
    assert "ours score_slices" in thousand["results"]
    assert "before issue 16 score_slices" in thousand["results"] or "not in this clone" in thousand["before"]


def test_a_differing_output_stops_the_timing():
    def check(name, out):
        if out != 1:
            raise NotIdentical(f"{name} gave {out}, expected 1")

    with pytest.raises(NotIdentical, match="ours gave 2, expected 1"):
        alternate({"snorkel": lambda: 1, "ours": lambda: 2}, repeats=3, check=check)


def test_run_reports_no_speed_for_a_case_whose_outputs_differ(tmp_path, monkeypatch):
    def differing(smoke):
        raise NotIdentical("S values differ from Snorkel's")

    monkeypatch.setitem(run.CASES, "differing", differing)
    out = tmp_path / "report.json"
    assert run.main(["--cases", "differing", "--out", str(out)]) == 1
    case = json.loads(out.read_text())["cases"]["differing"]
    assert case["identical"] is False and "results" not in case
    assert json.loads(out.read_text())["identity_asserted"] is False


def test_find_slices_benchmark_runs_and_checks_exactness():
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "find_vs_sliceline.py"), "--smoke"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "| 2,000 x 6 |" in proc.stdout and "all exact" in proc.stdout


def test_planted_slices_benchmark_runs():
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "planted_slices.py"), "--smoke"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "| 10% | 4x | 1.00 | 1.00 | 1.00 |" in proc.stdout and "noise only, alpha=0.99" in proc.stdout
