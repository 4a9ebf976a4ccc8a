"""Gateway conditions decide on answers that reach the process."""

from collections.abc import Collection

from ..exceptions import ScriptRefused
from ..scripting import compile_expression, names_assigned, names_read
from .context import ENGINE_PRIVACY, FormCatalog, _Context
from .elements import _B, NS, _label, spiff_property
from .sources import _code


def _used_forms(ctx: _Context, start_form: str | None) -> set[str]:
    used = {start_form} if start_form else set()
    for tree in ctx.trees.values():
        for task in tree.iter(f"{_B}userTask"):
            key = spiff_property(task, "formKey")
            if key:
                used.add(key)
    return used


def _assigned_names(ctx: _Context) -> set[str]:
    names: set[str] = set()
    for tree in ctx.trees.values():
        for code in _code(tree):
            if code.kind == "script":
                names |= names_assigned(code.source)
        for el in tree.iter(f"{_B}inputDataItem", f"{_B}outputDataItem"):
            names.add(el.get("name") or el.get("id") or "")
        for el in tree.iter(f"{_B}loopDataOutputRef"):
            names.add((el.text or "").strip())
        for el in tree.xpath("//spiffworkflow:variableName", namespaces=NS):
            names.add((el.text or "").strip())
    for declared in ctx.decisions.values():
        names |= declared.outputs
    return names


def _check_routing(
    ctx: _Context,
    forms: FormCatalog,
    start_form: str | None,
    known: Collection[str],
) -> None:
    """Every name a gateway branches on is a `normaal` answer of a form in use, a
    variable a script sets, or a setting of the version."""
    privacy: dict[str, set[str]] = {}
    used = _used_forms(ctx, start_form)
    # A task whose form is missing has its own finding; what that form would have
    # asked is unknown, so "no form asks for it" would only repeat that finding.
    all_forms_known = used <= set(forms)
    for key in used:
        summary = forms.get(key)
        for field_name, cls in summary.fields.items() if summary else ():
            privacy.setdefault(field_name, set()).add(cls)
    assigned = _assigned_names(ctx) | set(known)
    for file_name, tree in ctx.trees.items():
        for flow in tree.iter(f"{_B}sequenceFlow"):
            condition = flow.find(f"{_B}conditionExpression")
            if condition is None or not (condition.text or "").strip():
                continue
            try:
                compile_expression((condition.text or "").strip())
            except ScriptRefused:
                continue  # refused already, with its own finding
            for variable in sorted(names_read(condition.text or "")):
                classes = privacy.get(variable)
                if classes and ENGINE_PRIVACY not in classes:
                    ctx.error(
                        file_name,
                        flow,
                        f"de voorwaarde van {_label(flow)} beslist op ‘{variable}’,"
                        f" maar dat veld heeft privacyklasse ‘{sorted(classes)[0]}’"
                        " en komt daardoor nooit in het proces",
                        f"Maak het veld ‘{variable}’ ‘normaal’ en verplicht, of beslis"
                        " op een ander veld.",
                    )
                elif not classes and variable not in assigned and all_forms_known:
                    ctx.error(
                        file_name,
                        flow,
                        f"de voorwaarde van {_label(flow)} beslist op ‘{variable}’,"
                        " maar geen formulier in deze set vraagt daarnaar en geen"
                        " script zet het",
                        f"Voeg een verplicht veld ‘{variable}’ toe aan het formulier"
                        " van de taak vóór de gateway, of verbeter de naam.",
                    )
