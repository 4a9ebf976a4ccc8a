"""The proefrit of a set of files before it goes live.

Synthetic cases are driven through the set (engine.proefrit) with answers made from its
own forms (forms.synthetic) and its own settings, on a manual clock. The report is kept
per content hash: a set with an error in it (a case that can stand still, a script
that fails) is not deployable, and the modeler draws which paths were driven.
"""

import copy
from collections import OrderedDict
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.utils import timezone

import engine
from engine import ERROR, Finding
from engine.proefrit import DriveFinding, DriveReport, Limits, drive, variables_read
from forms.synthetic import answer_sets, describe
from webui.accounts.models import Gemeente

from .bundles import START_FORM, Bundle
from .instellingen import engine_variables
from .models import Proefrit

# A reopened case starts again with these (webui.casework.services.lifecycle).
REOPENED = {"heropend": True, "heropen_reden": "proefrit"}
# The cases start on a fixed Monday morning: the report is the same whenever it runs.
DRIVE_START = datetime(2026, 1, 5, 8, tzinfo=UTC)
KINDS = {
    "stilstand": "Het dossier staat stil",
    "fout": "Een script of voorwaarde faalt",
    "budget": "Een script loopt uit de hand",
    "onbekend": "Een waarde wordt gelezen voordat een stap hem zet",
    "mijlpaal": "Een verplichte mijlpaal wordt niet bereikt",
    "onbereikt": "Geen pad komt hier",
}


def proefrit_required() -> bool:
    """Whether a set must pass its proefrit before it goes live (off in the tests
    that are not about it, which deploy many sets)."""
    return bool(getattr(settings, "WEGWIJS_PROEFRIT", True))


def drive_bundle(bundle: Bundle, *, seconds: float | None = None) -> DriveReport:
    """Drive synthetic cases through a checked set."""
    version = bundle.process
    read = variables_read(version)
    today = DRIVE_START.date()
    start_form = bundle.forms.get(START_FORM)
    variables = engine_variables(bundle.settings)
    starts = [
        {**variables, **answers}
        for answers in answer_sets(start_form, today=today, read=read)
    ]
    if "heropend" in read:
        starts.append({**starts[0], **REOPENED})

    def answers(task: engine.ReadyTask, data: Mapping[str, Any]) -> list[dict]:
        if task.form_key not in bundle.forms:
            return [{}]
        return answer_sets(bundle.forms.get(task.form_key), today=today, read=read)

    rules = bundle.rules
    limit = seconds or float(getattr(settings, "WEGWIJS_PROEFRIT_SECONDS", 90))
    return drive(
        version,
        start=starts,
        answers=answers,
        at=DRIVE_START,
        required_milestones={k: r.label for k, r in rules.items() if r.required},
        field_milestones={
            key: bundle.forms.get(key).milestones.keys() for key in bundle.forms.keys()
        },
        start_milestones=start_form.milestones.keys(),
        read=read,
        limits=Limits(
            seconds=limit,
            operations=int(getattr(settings, "WEGWIJS_PROEFRIT_OPERATIONS", 0)),
        ),
    )


def _line_of(text: str, element: str) -> int | None:
    needle = f'id="{element}"'
    at = text.find(needle)
    return text.count("\n", 0, at) + 1 if at >= 0 else None


def _file_of(
    bundle: Bundle, files: Mapping[str, str], finding: DriveFinding
) -> tuple[str, int | None]:
    process_files = bundle.process.process_files
    candidates = [process_files[finding.process]] if finding.process else []
    candidates += sorted(n for n in files if n.endswith(".bpmn"))
    for name in candidates:
        line = _line_of(files.get(name, ""), finding.element)
        if line is not None:
            return name, line
    return (candidates[0] if candidates else ""), None


def _step(step: engine.proefrit.Step, read: set[str]) -> dict[str, str]:
    """One step of a path, with the answers the process reads (the rest of a form's
    answers led nowhere)."""
    answers = {k: v for k, v in step.answers.items() if k in read}
    return {
        "element": step.element,
        "name": step.name,
        "answers": describe(answers) if step.element != "start" else "",
    }


def report_data(
    report: DriveReport, bundle: Bundle, files: Mapping[str, str]
) -> dict[str, Any]:
    """The report as JSON for the Proefrit record and the pages."""
    findings = []
    for finding in report.findings:
        file_name, line = _file_of(bundle, files, finding)
        findings.append(
            {
                "severity": finding.severity,
                "kind": finding.kind,
                "kind_label": KINDS.get(finding.kind, finding.kind),
                "file": file_name,
                "line": line,
                "element": finding.element,
                "message": finding.message,
                "path": [_step(step, report.read) for step in finding.path[-12:]],
                "path_length": len(finding.path),
            }
        )
    coverage: dict[str, dict[str, list[str]]] = {}
    process_files = bundle.process.process_files
    for process, element in report.elements:
        entry = coverage.setdefault(
            process_files.get(process, ""), {"driven": [], "missed": []}
        )
        covered = (process, element) in report.covered
        entry["driven" if covered else "missed"].append(element)
    for process, before, element in report.steps_taken:
        entry = coverage.setdefault(
            process_files.get(process, ""), {"driven": [], "missed": []}
        )
        if before:
            entry.setdefault("steps", []).append([before, element])
    for entry in coverage.values():
        entry["driven"].sort()
        entry["missed"].sort()
        entry.setdefault("steps", []).sort()
    if not report.complete:
        findings.append(
            {
                "severity": "waarschuwing",
                "kind": "tijd",
                "kind_label": "Niet alle paden gereden",
                "file": "",
                "line": None,
                "element": "",
                "message": f"de proefrit stopte na {report.seconds:.0f} seconden;"
                f" {len(report.elements - report.covered)} onderdelen waren nog niet"
                " bereikt. Wat niet gereden is, is niet beproefd",
                "path": [],
                "path_length": 0,
            }
        )
    return {
        "findings": findings,
        "coverage": coverage,
        "cases": report.cases,
        "ended": report.ended,
        "operations": report.operations,
        "seconds": round(report.seconds, 1),
        "complete": report.complete,
        "elements": len(report.elements),
        "covered": len(report.covered & report.elements),
    }


def as_findings(data: Mapping[str, Any]) -> list[Finding]:
    """The proefrit's errors and warnings as findings of the check."""
    found = []
    for item in data.get("findings", []):
        steps = " → ".join(
            f"{s['name']}" + (f" ({s['answers']})" if s["answers"] else "")
            for s in item["path"][-4:]
        )
        hint = f"Pad van de proefrit: … {steps}" if steps else ""
        found.append(
            Finding(
                item["severity"],
                item["file"],
                item["line"],
                item["element"],
                f"proefrit: {item['message']}",
                hint,
            )
        )
    return found


# A proefrit is a pure function of the set (and the time box): a set driven once in
# this process is not driven again (a deploy right after the studio's proefrit).
_REPORTS: "OrderedDict[tuple[str, float, int], dict[str, Any]]" = OrderedDict()


def _report(
    content_hash: str, bundle: Bundle, files: Mapping[str, str]
) -> dict[str, Any]:
    key = (
        content_hash,
        float(getattr(settings, "WEGWIJS_PROEFRIT_SECONDS", 90)),
        int(getattr(settings, "WEGWIJS_PROEFRIT_OPERATIONS", 0)),
    )
    if key not in _REPORTS:
        _REPORTS[key] = report_data(drive_bundle(bundle), bundle, files)
        while len(_REPORTS) > 8:
            _REPORTS.popitem(last=False)
    return copy.deepcopy(_REPORTS[key])


def proefrit_for(content_hash: str) -> Proefrit | None:
    """The latest proefrit of a set, finished or not."""
    return Proefrit.objects.filter(content_hash=content_hash).first()


def proefrit_record(
    *, gemeente: Gemeente | None, content_hash: str, user: AbstractBaseUser | None
) -> Proefrit:
    """Record a proefrit of a set, not yet driven (``proefrit_start`` in
    webui.definitions.tasks hands it to the background worker)."""
    return Proefrit.objects.create(
        gemeente=gemeente,
        content_hash=content_hash,
        started_by=user,
        started_at=timezone.now(),
    )


def proefrit_execute(
    *, run: Proefrit, bundle: Bundle, files: Mapping[str, str]
) -> Proefrit:
    """Drive the set and store what was found on ``run``."""
    Proefrit.objects.filter(pk=run.pk).update(status=Proefrit.Status.RUNNING)
    try:
        data = _report(run.content_hash, bundle, files)
    except Exception as exc:  # noqa: BLE001 - any failure is the run's, reported
        run.status, run.error = Proefrit.Status.FAILED, str(exc)[:300]
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        raise
    run.report = data
    run.errors = sum(1 for f in data["findings"] if f["severity"] == ERROR)
    run.warnings = len(data["findings"]) - run.errors
    run.status = Proefrit.Status.DONE
    run.finished_at = timezone.now()
    run.save(update_fields=["report", "errors", "warnings", "status", "finished_at"])
    return run


def proefrit_passed_or_run(
    *,
    gemeente: Gemeente | None,
    content_hash: str,
    bundle: Bundle,
    files: Mapping[str, str],
    user: AbstractBaseUser | None,
) -> Proefrit:
    """The finished proefrit of a set, driven now when there is none yet (a deploy
    from the command line, or one started before the worker got to it)."""
    done = (
        Proefrit.objects.filter(content_hash=content_hash, status=Proefrit.Status.DONE)
        .order_by("-finished_at")
        .first()
    )
    if done is not None:
        return done
    run = proefrit_record(gemeente=gemeente, content_hash=content_hash, user=user)
    return proefrit_execute(run=run, bundle=bundle, files=files)
