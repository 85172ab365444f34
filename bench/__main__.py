"""`python -m bench` (or `make bench`): every benchmark, a table, and bench/results/latest.json.

Options: ``--quick`` shortens the end-to-end runs (for a smoke run, not for quoting).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

from bench.intake import measure_intake
from bench.pdf import measure_pdf
from bench.render import measure_render
from bench.service import sequential_latency, throughput, validate_over_http

RESULTS = Path(__file__).resolve().parent / "results" / "latest.json"


def machine() -> dict:
    return {"python": platform.python_version(), "cpus": os.cpu_count(),
            "machine": platform.machine(), "system": platform.platform(),
            "when": time.strftime("%Y-%m-%d %H:%M:%S %z")}


def run(quick: bool) -> dict:
    results: dict = {"machine": machine()}
    renders = {n: measure_render(n) for n in (10, 200, 2000)}
    results["render"] = renders
    intake = {f"{n}_{fmt}": measure_intake(n, fmt) for n in (1000, 100_000)
              for fmt in ("xlsx", "csv")}
    results["intake"] = intake
    results["pdf"] = measure_pdf(runs=15 if quick else 30, cold_runs=3 if quick else 5)
    results["intake_http"] = validate_over_http(runs=3 if quick else 10)
    seconds = 15 if quick else 60
    results["e2e"] = sequential_latency(runs=30 if quick else 100)
    results["throughput_8_clients"] = throughput(clients=8, seconds=seconds)
    results["throughput_1_worker"] = throughput(clients=8, seconds=seconds / 2, concurrency=1)
    results["throughput_2_workers"] = throughput(clients=8, seconds=seconds / 2, concurrency=2)
    worst = max(intake["100000_xlsx"]["seconds"], intake["100000_csv"]["seconds"])
    results.update({
        "render_10_ms": renders[10]["render"]["p50_ms"],
        "render_200_ms": renders[200]["render"]["p50_ms"],
        "render_2000_ms": renders[2000]["render"]["p50_ms"],
        "zip_floor_10_ms": renders[10]["zip_floor"]["p50_ms"],
        "zip_floor_200_ms": renders[200]["zip_floor"]["p50_ms"],
        "docxtpl_naive_10_ms": renders[10]["docxtpl_naive"]["p50_ms"],
        "docxtpl_naive_200_ms": renders[200]["docxtpl_naive"]["p50_ms"],
        "intake_100k_s": worst,
        "intake_100k_peak_mb": max(intake["100000_xlsx"]["peak_mb"],
                                   intake["100000_csv"]["peak_mb"]),
        "intake_100k_http_s": round(results["intake_http"]["p50_ms"] / 1000, 3),
        "e2e_p50_ms": results["e2e"]["p50_ms"],
        "e2e_p95_ms": results["e2e"]["p95_ms"],
        "throughput_docs_per_s": results["throughput_8_clients"]["docs_per_s"],
        "cpu_ms_per_doc": results["throughput_8_clients"]["cpu_ms_per_doc"],
        "throughput_1_worker_docs_per_s": results["throughput_1_worker"]["docs_per_s"],
        "throughput_2_workers_docs_per_s": results["throughput_2_workers"]["docs_per_s"],
    })
    if results["pdf"]:
        results.update({"pdf_warm_ms": results["pdf"]["warm"]["p50_ms"],
                        "pdf_warm_p95_ms": results["pdf"]["warm"]["p95_ms"],
                        "pdf_cold_ms": results["pdf"]["cold"]["p50_ms"],
                        "pdf_converter_start_s": results["pdf"]["converter_start_s"]})
    return results


def table(r: dict) -> str:
    rows = [("render 10 units (ms, p50/p95)", r["render"][10]["render"]),
            ("zip floor 10 units", r["render"][10]["zip_floor"]),
            ("docxtpl naive 10 units", r["render"][10]["docxtpl_naive"]),
            ("render 200 units", r["render"][200]["render"]),
            ("zip floor 200 units", r["render"][200]["zip_floor"]),
            ("docxtpl naive 200 units", r["render"][200]["docxtpl_naive"]),
            ("render 2.000 units", r["render"][2000]["render"]),
            ("zip floor 2.000 units", r["render"][2000]["zip_floor"]),
            ("docxtpl naive 2.000 units", r["render"][2000]["docxtpl_naive"]),
            ("end to end, sequential", r["e2e"])]
    if r.get("pdf"):
        rows += [("PDF warm (seed report)", r["pdf"]["warm"]),
                 ("PDF cold soffice per document", r["pdf"]["cold"])]
    lines = [f"{name:<34} {v['p50_ms']:>9.1f} {v['p95_ms']:>9.1f}" for name, v in rows]
    lines.append(f"{'render / zip floor, 10 units':<34} "
                 f"{r['render_10_ms'] / r['zip_floor_10_ms']:>9.2f}x")
    lines.append(f"{'render / zip floor, 200 units':<34} "
                 f"{r['render_200_ms'] / r['zip_floor_200_ms']:>9.2f}x")
    for key, value in r["intake"].items():
        lines.append(f"intake {key:<27} {value['seconds']:>9.2f} s {value['peak_mb']:>6.0f} MB")
    http = r["intake_http"]
    lines.append(f"{'intake 100.000 rows CSV over HTTP':<34} {http['p50_ms'] / 1000:>9.2f} s "
                 f"(p95 {http['p95_ms'] / 1000:.2f} s, {http['file_mb']} MB)")
    for key in ("throughput_8_clients", "throughput_1_worker", "throughput_2_workers"):
        t = r[key]
        lines.append(f"{key:<34} {t['docs_per_s']:>9.1f} docs/s  cpu {t['cpu_ms_per_doc']:.1f} "
                     f"ms/doc  errors {t['errors']}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    results = run(args.quick)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str))
    print(table(results))
    print(f"\nwritten: {RESULTS}", file=sys.stderr)


if __name__ == "__main__":
    main()
