"""The editors: the BPMN modeler, the DMN table editor, the form editor and its
preview."""

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from csp.decorators import csp_update

from engine import ROLES
from forms.builder import build_form_class
from forms.field_roles import field_role_choices
from forms.registry import (
    FIELD_TYPES,
    PRIVACY_CLASSES,
    form_file_name,
    parse_definition,
)
from vocabulary import PRIVACY_LABELS
from webui.accounts.models import Role
from webui.definitions.bundles import (
    base_floor,
    check_files,
    milestone_rules,
    version_files,
)
from webui.definitions.files import (
    FileRefused,
    is_decision_table,
)
from webui.definitions.services import (
    DraftConflict,
    draft_open,
    draft_save_files,
    draft_set,
)

from ..proefrit import modeler_coverage
from .common import gemeente_or_404

FIELD_TYPE_LABELS = {
    "text": "Tekst (één regel)",
    "textarea": "Tekst (meer regels)",
    "number": "Getal",
    "date": "Datum",
    "yesno": "Ja/nee",
    "choice": "Keuze (één)",
    "multichoice": "Keuze (meer)",
    "bsn": "BSN",
    "postcode": "Postcode",
    "phone": "Telefoonnummer",
    "email": "E-mailadres",
    "gebruiker": "Medewerker (gebruiker)",
}


def _editor_config() -> dict:
    rules = milestone_rules()
    return {
        "milestones": [
            {"key": r.key, "label": r.label, "required": r.required, "value": r.value}
            for r in rules.values()
        ],
        "roles": [{"key": role, "label": str(Role(role).label)} for role in ROLES],
        "fieldTypes": [
            {"key": t, "label": FIELD_TYPE_LABELS.get(t, t)}
            for t in sorted(FIELD_TYPES)
        ],
        "privacyClasses": [
            {"key": c, "label": PRIVACY_LABELS.get(c, c)} for c in PRIVACY_CLASSES
        ],
        "fieldRoles": field_role_choices(),
    }


def _editor_save(
    request: HttpRequest, draft: Any, files: dict[str, str], file_name: str, view: str
) -> tuple[HttpResponse | None, dict[str, str]]:
    """An editor page's save: the file into the draft and a redirect to the page,
    or, refused, the set with what was typed (to show again with the message)."""
    xml = request.POST.get("xml", "").replace("\r\n", "\n")
    try:
        draft_save_files(
            draft=draft,
            files={file_name: xml},
            user=request.user,
            expected_lock=int(request.POST.get("lock", draft.lock_version)),
        )
    except (FileRefused, DraftConflict, ValueError) as exc:
        messages.error(request, str(exc))
        return None, {**files, file_name: xml}
    messages.success(request, f"‘{file_name}’ is opgeslagen in het concept.")
    saved = redirect(view, slug=draft.gemeente.slug, file_name=file_name)
    return saved, files


@login_required
def studio_modeler(request: HttpRequest, slug: str, file_name: str) -> HttpResponse:
    """Edit one diagram of the draft in the modeler; saving puts it in the draft."""
    gemeente = gemeente_or_404(request, slug)
    draft = draft_open(gemeente=gemeente, user=request.user)
    files = draft_set(draft)
    if not file_name.endswith(".bpmn") or file_name not in files:
        raise Http404("Dit diagram staat niet in het concept.")
    if request.method == "POST":
        saved, files = _editor_save(request, draft, files, file_name, "studio:modeler")
        if saved is not None:
            return saved
    xml = files[file_name]
    findings, _bundle = check_files(
        files, base=version_files(draft.base), defaults=draft.base.setting_values
    )
    mine = [f for f in findings if f.file == file_name]
    other_findings = len(findings) - len(mine)
    bundle_forms = sorted(
        (n.split("/", 1)[1].removesuffix(".json"), n)
        for n in files
        if n.startswith("formulieren/")
    )
    config = _editor_config()
    config["formKeys"] = [{"key": key, "title": key} for key, _name in bundle_forms]
    coverage = modeler_coverage(gemeente, file_name)
    if coverage is not None and not coverage["stale"]:
        # What the proefrit of this very draft found in this diagram.
        mine += [f for f in coverage["findings"] if f.file == file_name]
    if coverage is not None:
        config["coverage"] = {
            k: v for k, v in coverage.items() if k not in ("finished_at", "findings")
        }
    config["findings"] = [
        {
            "severity": f.severity,
            "element": f.element,
            "line": f.line,
            "message": f.message,
            "hint": f.hint,
        }
        for f in mine
    ]
    context = {
        "gemeente": gemeente,
        "file_name": file_name,
        "xml": xml,
        "config": config,
        "findings": mine,
        "other_findings": other_findings,
        "moddle": json.loads(_moddle_descriptor()),
        "lock": draft.lock_version,
        "coverage": coverage,
    }
    return render(request, "studio/modeler.html", context)


# dmn-js 17 writes a few fixed style attributes (its bpmn.io watermark and a drag
# image). Only those exact values are allowed, on this page only; no inline script.
DMN_EDITOR_STYLES = {
    "style-src": [
        "'unsafe-hashes'",
        "'sha256-r3vOsuepBDg6tz/cOusiNJ9Y4Lp9hGQTT7pzDks1Xxc='",
        "'sha256-CA/eh4+2R0J7cEQ14gBMtx834RIOjzMUqCM+evtrkp4='",
        "'sha256-8bpD4ziF/b6m8kTyhNDPcw9xux1Aqbya63O4L1zc+qw='",
    ]
}


@login_required
@csp_update(DMN_EDITOR_STYLES)
def studio_dmn_editor(request: HttpRequest, slug: str, file_name: str) -> HttpResponse:
    """Edit one decision table of the draft in the DMN editor; saving puts it in the
    draft, checked with the rest of the set like a diagram."""
    gemeente = gemeente_or_404(request, slug)
    draft = draft_open(gemeente=gemeente, user=request.user)
    files = draft_set(draft)
    if not is_decision_table(file_name) or file_name not in files:
        raise Http404("Deze beslistabel staat niet in het concept.")
    if request.method == "POST":
        saved, files = _editor_save(
            request, draft, files, file_name, "studio:dmn_editor"
        )
        if saved is not None:
            return saved
    xml = files[file_name]
    findings, _bundle = check_files(
        files, base=version_files(draft.base), defaults=draft.base.setting_values
    )
    mine = [f for f in findings if f.file == file_name]
    context = {
        "gemeente": gemeente,
        "file_name": file_name,
        "xml": xml,
        "findings": mine,
        "other_findings": len(findings) - len(mine),
        "lock": draft.lock_version,
    }
    return render(request, "studio/dmn_editor.html", context)


def _moddle_descriptor() -> str:
    from django.contrib.staticfiles import finders

    path = finders.find("wegwijs/spiffworkflow-moddle.json")
    if path is None:
        return "{}"
    with open(path, encoding="utf-8") as handle:
        return handle.read()


@login_required
def studio_form_editor(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    """Edit one form of the draft; what was typed is kept, even when it has
    problems."""
    gemeente = gemeente_or_404(request, slug)
    draft = draft_open(gemeente=gemeente, user=request.user)
    name = form_file_name(key)
    files = draft_set(draft)
    if name not in files:
        raise Http404("Dit formulier staat niet in het concept.")
    text = files[name]
    if request.method == "POST":
        text = request.POST.get("definition", "").replace("\r\n", "\n")
        try:
            draft_save_files(draft=draft, files={name: text}, user=request.user)
        except (FileRefused, DraftConflict) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, f"Formulier ‘{key}’ is opgeslagen in het concept."
            )
    rules = milestone_rules()
    definition, problems = parse_definition(
        text,
        name,
        expected_key=key,
        milestones={k: r.value for k, r in rules.items()},
        floor=base_floor(version_files(draft.base)),
    )
    context = {
        "gemeente": gemeente,
        "key": key,
        "text": text,
        "problems": problems,
        "rule_lines": definition.rule_lines() if definition is not None else [],
        "config": _editor_config(),
    }
    return render(request, "studio/form_editor.html", context)


@login_required
@require_POST
def studio_form_preview(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    """The form as a begeleider will see it (an HTML fragment for the live preview)."""
    gemeente_or_404(request, slug)
    definition, problems = parse_definition(
        request.POST.get("definition", "").replace("\r\n", "\n"), form_file_name(key)
    )
    if definition is None:
        text = "Het voorbeeld kan niet worden getoond: " + "; ".join(
            f"{p.message}" for p in problems
        )
        return HttpResponse(text, status=400, content_type="text/plain; charset=utf-8")
    form_class = build_form_class(
        definition, user_choices=lambda role: [("voorbeeld", f"(een {role})")]
    )
    return render(
        request,
        "studio/form_preview.html",
        {"definition": definition, "form": form_class()},
    )
