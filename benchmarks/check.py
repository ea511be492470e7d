"""Read a pytest-benchmark JSON, print the figures, and judge regressions by ratios.

Usage::

    python3 benchmarks/check.py RUN.json                 # report; exit 1 on a regression
    python3 benchmarks/check.py RUN.json --update        # record RUN's ratios as the baseline

A regression is judged only by ratios of two timings taken in the same run over the same
text, never by absolute seconds: ``extract / bare scan`` per language and source (the
time of ``extract()`` over the time of ``re.findall(r"\\d+")`` on the same paragraphs).
The run fails when a ratio is more than ``margin`` (at least 30 %) above the one recorded
in ``benchmarks/baseline.json``. The other figures (MB/s, the quantulum3 ratio, cold
start, batch, memory, linearity) are printed with their targets from issue 4 and do not
fail the run: a slower machine moves them.
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import sys
from datetime import date
from pathlib import Path
from typing import Any

__all__ = ["figures", "main", "regressions"]

BASELINE = Path(__file__).resolve().parent / "baseline.json"
MIN_MARGIN = 0.30
_PARAMS = re.compile(r"^(?P<test>[^\[]+)(?:\[(?P<params>.*)\])?$")


def _index(run: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {b["name"]: b for b in run.get("benchmarks", [])}


def _median(bench: dict[str, Any]) -> float:
    return float(bench["stats"]["median"])


def figures(run: dict[str, Any]) -> dict[str, Any]:
    """Every figure of a run: ratios, MB/s, cold start, batch, memory, linearity.

    >>> run = {"benchmarks": [
    ...     {"name": "test_extract[en-bundled]", "stats": {"median": 2.0}, "extra_info": {"mb_per_s": 0.5}},
    ...     {"name": "test_bare_scan[en-bundled]", "stats": {"median": 0.02}, "extra_info": {}}]}
    >>> figures(run)["ratios"]
    {'extract_over_bare[en-bundled]': 100.0}
    """
    idx = _index(run)
    ratios: dict[str, float] = {}
    mbps: dict[str, float] = {}
    for name, bench in idx.items():
        m = _PARAMS.match(name)
        if m is None:
            continue
        test, params = m.group("test"), m.group("params")
        if test == "test_extract" and params:  # per core: CPU time when recorded
            mbps[params] = bench["extra_info"].get("cpu_mb_per_s", bench["extra_info"].get("mb_per_s", 0.0))
            bare = idx.get(f"test_bare_scan[{params}]")
            if "ratio_to_bare" in bench["extra_info"]:  # CPU times taken side by side
                ratios[f"extract_over_bare[{params}]"] = bench["extra_info"]["ratio_to_bare"]
            elif bare is not None:
                ratios[f"extract_over_bare[{params}]"] = round(_median(bench) / _median(bare), 2)
    out: dict[str, Any] = {"ratios": ratios, "extract_mb_per_s": mbps}
    many = {
        m.group("params"): b["extra_info"].get("cpu_mb_per_s")
        for name, b in idx.items()
        if (m := _PARAMS.match(name)) is not None and m.group("test") == "test_extract_many"
    }
    if many:
        out["extract_many_mb_per_s"] = many
    versus: dict[str, Any] = {}
    for source in ("bundled", "shared"):
        q3 = idx.get(f"test_versus_quantulum3[{source}-quantulum3]")
        ours = idx.get(f"test_versus_quantulum3[{source}-extract]")
        if q3 is not None and ours is not None:
            versus[source] = {
                "quantulum3_kb_per_s": round(q3["extra_info"]["mb_per_s"] * 1000, 1),
                "extract_mb_per_s": ours["extra_info"]["mb_per_s"],
                "ratio": round(_median(q3) / _median(ours), 1),
            }
    out["versus_quantulum3"] = versus
    bare_mbps = {
        m.group("params"): b["extra_info"].get("mb_per_s")
        for name, b in idx.items()
        if (m := _PARAMS.match(name)) is not None and m.group("test") == "test_bare_scan"
    }
    out["bare_scan_mb_per_s"] = bare_mbps
    cold = idx.get("test_cold_start")
    floor = idx.get("test_cold_start_bare_python")
    if cold is not None:
        out["cold_start_s"] = round(_median(cold), 3)
        if floor is not None:
            out["cold_start_over_bare_python_s"] = round(_median(cold) - _median(floor), 3)
    batch = idx.get("test_batch")
    if batch is not None:
        out["batch"] = {k: batch["extra_info"].get(k) for k in ("docs", "docs_per_s", "mb_per_s")}
    mem = idx.get("test_streaming_peak_memory")
    if mem is not None:
        out["memory"] = dict(mem["extra_info"])
    sizes = sorted(
        (b["extra_info"]["kb"], b["extra_info"]["s_per_mb"])
        for name, b in idx.items()
        if name.startswith("test_document_length[")
    )
    if sizes:
        smallest = sizes[0][1]
        out["linearity"] = {
            f"{kb} KB": {"s_per_mb": s, "vs_smallest": round(s / smallest, 2)} for kb, s in sizes
        }
    return out


def regressions(ratios: dict[str, float], baseline: dict[str, Any]) -> list[str]:
    """The ratios more than the baseline's margin above their recorded value.

    >>> base = {"margin": 0.3, "ratios": {"extract_over_bare[en-bundled]": 100.0}}
    >>> regressions({"extract_over_bare[en-bundled]": 129.0}, base)
    []
    >>> regressions({"extract_over_bare[en-bundled]": 131.0}, base)
    ['extract_over_bare[en-bundled]: 131.0 > 100.0 x 1.30']
    """
    margin = max(float(baseline.get("margin", MIN_MARGIN)), MIN_MARGIN)
    out = []
    for key, recorded in baseline.get("ratios", {}).items():
        now = ratios.get(key)
        if now is not None and now > recorded * (1 + margin):
            out.append(f"{key}: {now} > {recorded} x {1 + margin:.2f}")
    return out


def _targets(figs: dict[str, Any]) -> list[str]:
    lines = []
    for params, mbps in sorted(figs["extract_mb_per_s"].items()):
        lang, _, source = params.partition("-")
        target = 5.0 if lang == "en" else 3.0
        lines.append(f"extract {params}: {mbps:.2f} MB/s per core (target >= {target}) "
                     + ("met" if mbps >= target else "NOT MET"))
    for lang, mbps in sorted(figs.get("extract_many_mb_per_s", {}).items()):
        lines.append(f"extract_many {lang}-bundled: {mbps:.2f} MB/s per core (no target: "
                     "the same paragraphs, 64 per batch)")
    for source, v in figs["versus_quantulum3"].items():
        lines.append(f"versus quantulum3 ({source}): quantulum3 {v['quantulum3_kb_per_s']} KB/s, extract "
                     f"{v['extract_mb_per_s']:.2f} MB/s, ratio {v['ratio']}x (target >= 80) "
                     + ("met" if v["ratio"] >= 80 else "NOT MET"))
    if "cold_start_s" in figs:
        lines.append(f"cold start: {figs['cold_start_s']} s (target <= 0.3) "
                     + ("met" if figs["cold_start_s"] <= 0.3 else "NOT MET"))
    if "memory" in figs:
        mem = figs["memory"]
        flat = mem["last_quarter_peak_mb"] <= mem["first_quarter_peak_mb"] * 1.1 + 2
        total = mem.get("peak_tree_rss_mb", mem["peak_rss_mb"])
        lines.append(f"streaming batch, {mem['docs']} docs: peak RSS {total} MB with its workers "
                     f"({mem['peak_rss_mb']} MB the batch process alone; target <= 80) "
                     + ("met" if total <= 80 else "NOT MET")
                     + f"; peak of first/last quarter {mem['first_quarter_peak_mb']}/"
                     + f"{mem['last_quarter_peak_mb']} MB "
                     + ("flat" if flat else "GROWING"))
    if "linearity" in figs:
        worst = max(abs(v["vs_smallest"] - 1) for v in figs["linearity"].values())
        lines.append("time per MB vs the smallest document: "
                     + ", ".join(f"{k} {v['vs_smallest']}" for k, v in figs["linearity"].items())
                     + (" (linear within 20 %)" if worst <= 0.2 else " (NOT linear within 20 %)"))
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("run", type=Path, help="the --benchmark-json file of a run")
    parser.add_argument("--baseline", type=Path, default=BASELINE)
    parser.add_argument("--update", action="store_true", help="record this run's ratios as the baseline")
    parser.add_argument("--margin", type=float, default=MIN_MARGIN, help="with --update (at least 0.30)")
    args = parser.parse_args(argv)
    run = json.loads(args.run.read_text(encoding="utf-8"))
    figs = figures(run)
    print(json.dumps(figs, indent=2, ensure_ascii=False))
    for line in _targets(figs):
        print(line)
    if args.update:
        record = {
            "about": "extract()/bare-scan time ratios judged by benchmarks/check.py; "
                     "a run fails when a ratio exceeds its value here by more than margin",
            "recorded": date.today().isoformat(),
            "machine": f"{platform.machine()} {platform.python_implementation()} {platform.python_version()}",
            "margin": max(args.margin, MIN_MARGIN),
            "ratios": figs["ratios"],
        }
        args.baseline.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
        print(f"baseline written: {args.baseline}")
        return 0
    if not args.baseline.exists():
        print(f"no baseline at {args.baseline}: nothing to judge")
        return 0
    baseline = json.loads(args.baseline.read_text(encoding="utf-8"))
    missing = sorted(set(baseline.get("ratios", {})) - set(figs["ratios"]))
    if missing:
        print("not measured in this run (skipped): " + ", ".join(missing))
    bad = regressions(figs["ratios"], baseline)
    if not any(k in figs["ratios"] for k in baseline.get("ratios", {})):
        print("REGRESSION CHECK FAILED: no ratio of the baseline was measured")
        return 1
    for line in bad:
        print("REGRESSION: " + line)
    if bad:
        return 1
    print(f"ratios within {max(float(baseline.get('margin', MIN_MARGIN)), MIN_MARGIN):.0%} of the baseline")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # piped into head
        sys.exit(1)
