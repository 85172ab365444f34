"""How long reading, validating and aggregating an activity log takes, and how much memory.

``measure_intake(rows, fmt)`` writes an activity log of ``rows`` rows (XLSX or CSV) first, then
runs ``validate_upload`` (read + validate + aggregate, no rendering) in a fresh Python process,
``repeats`` times, and reports the median wall time (and the first run's) and the peak resident
memory (``VmHWM``: Rust allocations by calamine
count too, which ``tracemalloc`` would miss). Run ``python bench/intake.py`` for the figures at
1.000 and 100.000 rows.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
UNITS = ["thành phố Hòa Bình", "huyện Đà Bắc", "huyện Lương Sơn", "huyện Kim Bôi",
         "huyện Cao Phong", "huyện Tân Lạc", "huyện Mai Châu", "huyện Lạc Sơn",
         "huyện Yên Thủy", "huyện Lạc Thủy"]
KINDS = ["Phát động", "Kiểm tra, giám sát", "Truyền thông", "Phát thanh loa",
         "Tin, bài trực tuyến", "Tập huấn", "Khác"]
HEADER = ["Đơn vị", "Loại hoạt động", "Ngày", "Số lượng", "Nam", "Nữ", "Tổng số người",
          "Nội dung"]
START = date(2023, 11, 15)


def log_rows(rows: int):
    """The rows of a plausible activity log of the 2023 Action Month in Hòa Bình."""
    for i in range(rows):
        male, female = 5 + i % 37, 7 + i % 41
        yield [UNITS[i % len(UNITS)], KINDS[i % len(KINDS)], START + timedelta(days=i % 31),
               1 + i % 3, male, female, male + female, f"Hoạt động số {i + 1} tại xã, thôn"]


def write_log(rows: int, fmt: str) -> bytes:
    """An activity log workbook of ``rows`` rows as ``fmt`` ("xlsx" or "csv") bytes."""
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(HEADER)
        writer.writerows([*r[:2], f"{r[2]:%d/%m/%Y}", *r[3:]] for r in log_rows(rows))
        return out.getvalue().encode("utf-8-sig")
    from openpyxl import Workbook

    book = Workbook(write_only=True)  # dates get a date number format: Excel dates on reading
    sheet = book.create_sheet("Hoạt động")
    sheet.append(HEADER)
    for row in log_rows(rows):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _child(path: str, repeats: int = 1) -> None:
    """In the fresh process: time ``validate_upload`` on the file and print JSON."""
    import statistics
    import time

    sys.path.insert(0, str(REPO_ROOT))
    from tasks.report.intake import validate_upload
    from tasks.report.kinds import Catalog
    from tasks.report.request import ReportRequest

    catalog = Catalog(REPO_ROOT / "doc_templates")
    request = ReportRequest("gender-equality-month", "hoa-binh", "2023")
    data = Path(path).read_bytes()
    baseline = _status("VmRSS")
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        result = validate_upload(catalog, request, data)
        times.append(time.perf_counter() - started)
    print(json.dumps({"seconds": round(statistics.median(times), 4),
                      "first_seconds": round(times[0], 4), "runs": repeats,
                      "peak_mb": round(_status("VmHWM"), 1),
                      "baseline_mb": round(baseline, 1), "valid": result.valid,
                      "errors": len(result.errors),
                      "log_rows": counted_rows(result.summary)}))


def counted_rows(summary: dict) -> int:
    """The rows of every activity log a validation summary counted."""
    return sum(log["rows"] for log in (summary.get("activity_logs") or {}).values())


def _status(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure_intake(rows: int, fmt: str, repeats: int = 1) -> dict:
    """Seconds (median of ``repeats``) and peak MB of validating + aggregating a ``rows``-row
    log in ``fmt``."""
    data = write_log(rows, fmt)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"log.{fmt}"
        path.write_bytes(data)
        done = subprocess.run([sys.executable, __file__, "--child", str(path), str(repeats)],
                              cwd=REPO_ROOT,
                              capture_output=True, text=True, check=True)
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return {"rows": rows, "format": fmt, "file_mb": round(len(data) / 2**20, 2), **figures}


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        _child(sys.argv[2], int(sys.argv[3]))
    else:
        for count in (1_000, 100_000):
            for kind in ("xlsx", "csv"):
                print(json.dumps(measure_intake(count, kind), ensure_ascii=False))
