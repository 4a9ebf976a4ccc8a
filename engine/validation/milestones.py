"""Milestones: known keys, and every legally required one declared."""

from collections.abc import Mapping

from lxml import etree

from ..milestones import MilestoneRules
from .context import FormCatalog, _Context
from .elements import NS
from .routing import _used_forms


def _check_milestones(
    ctx: _Context,
    rules: MilestoneRules,
    forms: FormCatalog | None,
    start_form: str | None,
    processes: Mapping[str, tuple[str, etree._Element]],
    main: str,
) -> None:
    declared: dict[str, int] = {}
    for file_name, tree in ctx.trees.items():
        for prop in tree.xpath(
            "//spiffworkflow:property[@name='milestone']", namespaces=NS
        ):
            key = prop.get("value", "")
            if key not in rules:
                ctx.error(
                    file_name,
                    prop,
                    f"onbekende mijlpaal ‘{key}’",
                    "Kies een mijlpaal uit de lijst: " + ", ".join(sorted(rules)) + ".",
                )
                continue
            declared[key] = declared.get(key, 0) + 1
    for form_key in _used_forms(ctx, start_form) if forms is not None else ():
        summary = forms.get(form_key) if forms is not None else None
        for key in summary.milestones if summary else ():
            declared[key] = declared.get(key, 0) + 1
    main_file, main_process = processes.get(main, ("", None))
    for rule in rules.values():
        if rule.required and rule.key not in declared:
            ctx.error(
                main_file,
                main_process,
                f"de wettelijk verplichte mijlpaal ‘{rule.label}’ ({rule.key})"
                f" ontbreekt in deze set; grond: {rule.grond}",
                "Zet de mijlpaal op de taak of het formulierveld waar die stap"
                " gebeurt (eigenschappenpaneel, of ‘mijlpaal’ bij het veld).",
                element_id=main,
            )
