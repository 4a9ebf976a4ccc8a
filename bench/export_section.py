"""The export section of ``make bench``: bench/export.py (its own seeding, on a
fresh database of the run) as rows for the table."""

from typing import Any

SECTION = "Excel-export"


def rows(n_cases: int) -> list[dict[str, Any]]:
    from bench import export

    figures = export.measure(n_cases)
    run, bare = figures["export"], figures["bare"]
    cases = run["rows"][0]
    out = [
        {
            "section": SECTION,
            "label": f"export, {cases:_} dossiers".replace("_", "."),
            "p50": run["seconds"],
            "p95": None,
            "n": len(figures["samples"]["export"]),
            "unit": "s",
            "note": f"snelste van {figures['samples']['export']} s;"
            f" piekgeheugen {run['peak_mb']:.0f} MB",
            "peak_mb": run["peak_mb"],
        },
        {
            "section": SECTION,
            "label": "kaal openpyxl, dezelfde rijen en cellen",
            "p50": bare["seconds"],
            "p95": None,
            "n": len(figures["samples"]["bare"]),
            "unit": "s",
            "note": f"snelste van {figures['samples']['bare']} s;"
            f" piekgeheugen {bare['peak_mb']:.0f} MB",
        },
        {
            "section": SECTION,
            "label": "verhouding export / kaal openpyxl",
            "p50": figures["ratio"],
            "p95": None,
            "n": 0,
            "unit": "×",
            "note": f"doel ≤ {export.AIM_RATIO}×, piek < {export.AIM_PEAK_MB} MB",
            "target": "export",
            "peak_mb": run["peak_mb"],
        },
        {
            "section": SECTION,
            "label": "verhouding export / kaal openpyxl, CPU-tijd van het proces",
            "p50": figures["cpu"]["ratio"],
            "p95": None,
            "n": 0,
            "unit": "×",
            "note": f"{figures['cpu']['export']:.1f} s / {figures['cpu']['bare']:.1f} s"
            " CPU (minste van de runs); zonder wachten op een core"
            + (
                "; zonder het werk van de databaseserver"
                if figures["vendor"] == "postgresql"
                else ""
            ),
            "target": "export_cpu",
            "peak_mb": run["peak_mb"],
        },
    ]
    return out
