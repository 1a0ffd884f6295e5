"""The README's table of figures from result files: `python bench/_table.py bench/results/*.jsonl`.

One row per (bench, metric) with a target, small and default side by side: the latest line of each scale
wins (a rerun with --reuse --only GROUP replaces its group's figures). Not a group (the leading underscore
keeps run.py from running it)."""

from __future__ import annotations

import json
import os
import sys

# Figures whose benchmarks other work of issue 23 rewrites: their rows point at their own sections.
ELSEWHERE = {
    "gates.": "see the gates section",
    "registry.survey_import": "see the ingest section",
    "screening.lab_import": "see the ingest section",
    "hotline.import": "see the ingest section",
}


def _fmt(row: dict) -> str:
    if row is None:
        return "—"
    value, unit = row.get("value"), row.get("unit", "")
    if value is None:
        return "not measured" if row.get("metric") != "error" else "error"
    text = f"{value:,}" if isinstance(value, int) else f"{value:,.3g}" if abs(value) < 10 else f"{value:,.0f}"
    if row.get("ratio") is not None and row.get("checked") is None and row.get("target"):
        text += f" {unit} (ratio {row['ratio']})"
    else:
        text += f" {unit}"
    mark = {True: "✓", False: "✗"}.get(row.get("met"), "")
    return f"{text} {mark}".strip()


def main(paths: list[str]) -> None:
    latest: dict[tuple, dict] = {}
    order: list[tuple] = []
    for path in sorted(paths, key=os.path.basename):  # <UTC timestamp>-<scale>.jsonl: oldest first
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                key = (row["bench"], row["metric"])
                if key not in order:
                    order.append(key)
                latest[(*key, row.get("scale"))] = row
    print("| figure | target | small | default |")
    print("|---|---|---|---|")
    for bench, metric in order:
        small, default = latest.get((bench, metric, "small")), latest.get((bench, metric, "default"))
        target = (small or {}).get("target") or (default or {}).get("target")
        if not target:  # figures without a target (and a group's error line) stay in the JSON lines
            continue
        elsewhere = next((text for prefix, text in ELSEWHERE.items() if bench.startswith(prefix)), None)
        cells = [elsewhere, elsewhere] if elsewhere else [_fmt(small), _fmt(default)]
        print(f"| {bench} {metric} | {target} | {cells[0]} | {cells[1]} |")


if __name__ == "__main__":
    main(sys.argv[1:])
