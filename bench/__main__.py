"""`python -m bench` (or `make bench`): every benchmark, reportgen beside the reference
(``bench.reference``), a table, and bench/results/latest.json.

Options: ``--quick`` runs every part briefly (a smoke run, not for quoting).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
import time
from pathlib import Path

from bench.intake import measure_intake
from bench.pdf import measure_pdf
from bench.reference.serve import ReferenceService
from bench.render import measure_kind, measure_render
from bench.service import kinds_latency, sequential_latency, throughput, validate_over_http

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results" / "latest.json"
RENDER_UNITS = (10, 100, 200, 1000, 2000)  # the sample has 10 units: ×1, ×10, ×20, ×100, ×200
INTAKE_ROWS = (1000, 10_000, 100_000)  # the activity log at ×1, ×10, ×100
TARGETS = {  # key: (what, target, True when higher is better)
    "throughput_ratio": ("throughput with 8 clients, reportgen / reference", 3.0, True),
    "e2e_p50_ratio": ("end to end sequential p50, reference / reportgen", 4.0, True),
    "render_200_vs_zip_floor": ("render of 200 units / zip floor", 2.0, False),
    "render_2000_vs_zip_floor": ("render of 2.000 units / zip floor", 2.0, False),
    "intake_100k_http_s": ("intake of 100.000 rows over HTTP, seconds", 2.0, False),
}


def machine() -> dict:
    return {"python": platform.python_version(), "cpus": os.cpu_count(),
            "machine": platform.machine(), "system": platform.platform(),
            "when": time.strftime("%Y-%m-%d %H:%M:%S %z")}


def shipped_kinds() -> list[str]:
    """Every kind folder with a kind.toml and a sample.xlsx."""
    return sorted(p.parent.name for p in (ROOT / "doc_templates").glob("*/kind.toml")
                  if (p.parent / "sample.xlsx").exists())


def exponent(sizes, values) -> float:
    """The least-squares slope of log(value) against log(size): 1 is linear growth."""
    xs, ys = [math.log(s) for s in sizes], [math.log(v) for v in values]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return (sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
            / sum((x - mx) ** 2 for x in xs))


def _advantage(reportgen: float, reference: float, higher_is_better: bool) -> float:
    """How many times better reportgen is (> 1: reportgen is better)."""
    if higher_is_better:
        return reportgen / reference if reference else math.inf
    return reference / reportgen if reportgen else math.inf


def side_by_side(rg_e2e: dict, ref_e2e: dict, rg_tp: dict, ref_tp: dict) -> list[dict]:
    """Every service figure as reportgen, reference, and reportgen's advantage."""
    rows = [("end to end sequential p50, ms", rg_e2e["p50_ms"], ref_e2e["p50_ms"], False),
            ("end to end sequential p95, ms", rg_e2e["p95_ms"], ref_e2e["p95_ms"], False),
            ("throughput with 8 clients, docs/s", rg_tp["docs_per_s"], ref_tp["docs_per_s"],
             True),
            ("latency under 8 clients p50, ms", rg_tp["latency"].get("p50_ms", 0),
             ref_tp["latency"].get("p50_ms", 0), False),
            ("latency under 8 clients p95, ms", rg_tp["latency"].get("p95_ms", 0),
             ref_tp["latency"].get("p95_ms", 0), False),
            ("service CPU per document, ms", rg_tp["cpu_ms_per_doc"], ref_tp["cpu_ms_per_doc"],
             False)]
    for part in ("web", "worker", "redis"):
        rows.append((f"  of which {part}, ms", rg_tp["cpu_ms_per_doc_by_part"][part],
                     ref_tp["cpu_ms_per_doc_by_part"][part], False))
    rows.append(("client CPU per document, ms", rg_tp["client_cpu_ms_per_doc"],
                 ref_tp["client_cpu_ms_per_doc"], False))
    return [{"figure": name, "reportgen": round(rg, 2), "reference": round(ref, 2),
             "advantage": round(_advantage(rg, ref, higher), 2)}
            for name, rg, ref, higher in rows]


def run(quick: bool) -> dict:
    load_before = os.getloadavg()
    results: dict = {"machine": machine(), "quick": quick}
    runs = 5 if quick else 30
    renders = {n: measure_render(n, runs) for n in RENDER_UNITS}
    results["render"] = renders
    kinds = shipped_kinds()
    results["kinds_render"] = {slug: measure_kind(slug, runs) for slug in kinds}
    intake = {f"{n}_{fmt}": measure_intake(n, fmt, repeats=1 if quick else 3)
              for n in INTAKE_ROWS for fmt in ("xlsx", "csv")}
    results["intake"] = intake
    results["pdf"] = measure_pdf(runs=5 if quick else 30, cold_runs=2 if quick else 5)
    results["intake_http"] = validate_over_http(runs=2 if quick else 10,
                                                warmup=1 if quick else 2)
    seconds = 10 if quick else 60
    e2e_runs = 20 if quick else 100
    results["e2e"] = sequential_latency(runs=e2e_runs)
    results["reference_e2e"] = sequential_latency(runs=e2e_runs, service_class=ReferenceService)
    results["kinds_e2e"] = kinds_latency(kinds, runs=5 if quick else 30)
    results["throughput_8_clients"] = throughput(clients=8, seconds=seconds)
    results["reference_throughput_8_clients"] = throughput(clients=8, seconds=seconds,
                                                           service_class=ReferenceService)
    results["throughput_1_worker"] = throughput(clients=8, seconds=seconds / 2, concurrency=1)
    results["throughput_2_workers"] = throughput(clients=8, seconds=seconds / 2, concurrency=2)
    results["load"] = {"before": [round(x, 2) for x in load_before],
                       "after": [round(x, 2) for x in os.getloadavg()]}
    summarise(results)
    return results


def summarise(results: dict) -> None:
    """The top-level keys: figures, ratios, per-kind rows, growth and the targets."""
    renders, intake = results["render"], results["intake"]
    rg_tp, ref_tp = results["throughput_8_clients"], results["reference_throughput_8_clients"]
    rg_e2e, ref_e2e = results["e2e"], results["reference_e2e"]
    worst = max(intake["100000_xlsx"]["seconds"], intake["100000_csv"]["seconds"])
    render_ms = {n: renders[n]["render"]["p50_ms"] for n in RENDER_UNITS}
    results.update({
        **{f"render_{n}_ms": render_ms[n] for n in RENDER_UNITS},
        **{f"zip_floor_{n}_ms": renders[n]["zip_floor"]["p50_ms"] for n in RENDER_UNITS},
        **{f"docxtpl_naive_{n}_ms": renders[n]["docxtpl_naive"]["p50_ms"]
           for n in RENDER_UNITS},
        "render_200_vs_zip_floor": render_ms[200] / renders[200]["zip_floor"]["p50_ms"],
        "render_2000_vs_zip_floor": render_ms[2000] / renders[2000]["zip_floor"]["p50_ms"],
        "intake_100k_s": worst,
        "intake_100k_peak_mb": max(intake["100000_xlsx"]["peak_mb"],
                                   intake["100000_csv"]["peak_mb"]),
        "intake_100k_http_s": round(results["intake_http"]["p50_ms"] / 1000, 3),
        "e2e_p50_ms": rg_e2e["p50_ms"], "e2e_p95_ms": rg_e2e["p95_ms"],
        "reference_e2e_p50_ms": ref_e2e["p50_ms"], "reference_e2e_p95_ms": ref_e2e["p95_ms"],
        "e2e_p50_ratio": ref_e2e["p50_ms"] / rg_e2e["p50_ms"],
        "e2e_p95_ratio": ref_e2e["p95_ms"] / rg_e2e["p95_ms"],
        "throughput_docs_per_s": rg_tp["docs_per_s"],
        "reference_throughput_docs_per_s": ref_tp["docs_per_s"],
        "throughput_ratio": rg_tp["docs_per_s"] / ref_tp["docs_per_s"],
        "cpu_ms_per_doc": rg_tp["cpu_ms_per_doc"],
        "reference_cpu_ms_per_doc": ref_tp["cpu_ms_per_doc"],
        "cpu_per_doc_ratio": ref_tp["cpu_ms_per_doc"] / rg_tp["cpu_ms_per_doc"],
        "worker_cpu_ms_by_stage": rg_tp["worker_cpu_ms_by_stage"],
        "reference_worker_cpu_ms_by_stage": ref_tp["worker_cpu_ms_by_stage"],
        "throughput_1_worker_docs_per_s": results["throughput_1_worker"]["docs_per_s"],
        "throughput_2_workers_docs_per_s": results["throughput_2_workers"]["docs_per_s"],
        "side_by_side": side_by_side(rg_e2e, ref_e2e, rg_tp, ref_tp),
        "kinds": {slug: {"render_ms": results["kinds_render"][slug]["render"]["p50_ms"],
                         "check_ms": results["kinds_render"][slug]["check"]["p50_ms"],
                         "e2e_p50_ms": results["kinds_e2e"][slug]["p50_ms"]}
                  for slug in results["kinds_render"]},
    })
    growth = {"render": {"units": [10, 100, 1000],
                         "ms": [render_ms[10], render_ms[100], render_ms[1000]]}}
    growth["render"]["exponent"] = exponent(growth["render"]["units"], growth["render"]["ms"])
    growth["render"]["exponent_10_to_2000"] = exponent(RENDER_UNITS,
                                                       [render_ms[n] for n in RENDER_UNITS])
    for fmt in ("xlsx", "csv"):
        seconds = [intake[f"{n}_{fmt}"]["seconds"] for n in INTAKE_ROWS]
        growth[f"intake_{fmt}"] = {"rows": list(INTAKE_ROWS), "s": seconds,
                                   "exponent": exponent(INTAKE_ROWS, seconds)}
    results["growth"] = growth
    results["superlinear"] = sorted(k for k, g in growth.items() if g["exponent"] > 1.1)
    results["targets"] = {}
    for key, (what, target, higher) in TARGETS.items():
        value = results[key]
        results["targets"][key] = {"what": what, "value": round(value, 3), "target": target,
                                   "met": value >= target if higher else value <= target}
    if results.get("pdf"):
        results.update({"pdf_warm_ms": results["pdf"]["warm"]["p50_ms"],
                        "pdf_warm_p95_ms": results["pdf"]["warm"]["p95_ms"],
                        "pdf_cold_ms": results["pdf"]["cold"]["p50_ms"],
                        "pdf_converter_start_s": results["pdf"]["converter_start_s"]})


def table(r: dict) -> str:
    out = [f"load average (1, 5, 15 min): before {r['load']['before']}, "
           f"after {r['load']['after']}; {r['machine']['cpus']} cores"
           + ("; QUICK RUN, not for quoting" if r.get("quick") else ""), ""]
    out.append(f"{'reportgen vs reference':<40} {'reportgen':>10} {'reference':>10} "
               f"{'reportgen better':>17}")
    for row in r["side_by_side"]:
        out.append(f"{row['figure']:<40} {row['reportgen']:>10.1f} {row['reference']:>10.1f} "
                   f"{row['advantage']:>16.2f}x")
    for name in ("reportgen", "reference"):
        tp = r["throughput_8_clients" if name == "reportgen" else
               "reference_throughput_8_clients"]
        if tp["errors"]:
            out.append(f"  {name}: {tp['errors']} errors, e.g. {tp['error_sample'][:1]}")
    out.append("")
    out.append("worker CPU per document by stage, ms (8 clients)")
    for name, key in (("reportgen", "worker_cpu_ms_by_stage"),
                      ("reference", "reference_worker_cpu_ms_by_stage")):
        stages = "  ".join(f"{k} {v:.2f}" for k, v in r[key].items())
        out.append(f"  {name:<10} {stages}")
    out.append("")
    out.append(f"{'render (ms, p50 / p95)':<34} {'p50':>9} {'p95':>9}")
    for n in RENDER_UNITS:
        for part, label in (("render", "render"), ("zip_floor", "zip floor"),
                            ("docxtpl_naive", "docxtpl naive")):
            v = r["render"][n][part]
            out.append(f"{label + f' {n:,} units'.replace(',', '.'):<34} "
                       f"{v['p50_ms']:>9.1f} {v['p95_ms']:>9.1f}")
    out.append(f"{'render / zip floor, 200 units':<34} {r['render_200_vs_zip_floor']:>9.2f}x")
    out.append(f"{'render / zip floor, 2.000 units':<34} {r['render_2000_vs_zip_floor']:>9.2f}x")
    out.append("")
    out.append(f"{'kind (own sample)':<28} {'render ms':>10} {'check ms':>10} {'e2e p50 ms':>11}")
    for slug, k in r["kinds"].items():
        out.append(f"{slug:<28} {k['render_ms']:>10.1f} {k['check_ms']:>10.1f} "
                   f"{k['e2e_p50_ms']:>11.1f}")
    out.append("")
    for key, value in r["intake"].items():
        out.append(f"intake {key:<27} {value['seconds']:>9.3f} s {value['peak_mb']:>6.0f} MB")
    http = r["intake_http"]
    out.append(f"{'intake 100.000 rows CSV over HTTP':<34} {http['p50_ms'] / 1000:>9.2f} s "
               f"(p95 {http['p95_ms'] / 1000:.2f} s, {http['file_mb']} MB)")
    out.append("")
    g = r["growth"]
    out.append("growth (log-log slope; 1 = linear)")
    out.append(f"  render 10 / 100 / 1.000 units: "
               f"{' / '.join(f'{v:.1f}' for v in g['render']['ms'])} ms, exponent "
               f"{g['render']['exponent']:.2f} (10 to 2.000 units: "
               f"{g['render']['exponent_10_to_2000']:.2f})")
    for fmt in ("xlsx", "csv"):
        gi = g[f"intake_{fmt}"]
        out.append(f"  intake {fmt} 1.000 / 10.000 / 100.000 rows: "
                   f"{' / '.join(f'{v:.3f}' for v in gi['s'])} s, exponent {gi['exponent']:.2f}")
    out.append(f"  faster than linear (exponent > 1,1): {', '.join(r['superlinear']) or 'none'}")
    out.append("")
    for key in ("throughput_1_worker", "throughput_2_workers"):
        t = r[key]
        out.append(f"{key:<34} {t['docs_per_s']:>9.1f} docs/s  cpu {t['cpu_ms_per_doc']:.1f} "
                   f"ms/doc  errors {t['errors']}")
    if r.get("pdf"):
        for name, v in (("PDF warm (seed report)", r["pdf"]["warm"]),
                        ("PDF cold soffice per document", r["pdf"]["cold"])):
            out.append(f"{name:<34} {v['p50_ms']:>9.1f} {v['p95_ms']:>9.1f}")
    out.append("")
    out.append("against the targets")
    for t in r["targets"].values():
        sign = "≥" if t["what"].startswith(("throughput", "end to end")) else "≤"
        out.append(f"  {'met   ' if t['met'] else 'MISSED'} {t['what']}: {t['value']:.2f} "
                   f"(target {sign} {t['target']})")
    return "\n".join(out)


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
