"""User tasks: a form that exists, in a lane that is a role."""

from collections.abc import Mapping

from lxml import etree

from .context import ROLES, FormCatalog, _Context
from .elements import _B, _label, _local, spiff_property


def _lane_names(process: etree._Element) -> dict[str, str]:
    """Flow node id -> the name of the innermost lane that holds it."""
    lanes: dict[str, str] = {}
    for lane in process.iter(f"{_B}lane"):
        for ref in lane.findall(f"{_B}flowNodeRef"):
            lanes[(ref.text or "").strip()] = (lane.get("name") or "").strip()
    return lanes


def _role_of(task: etree._Element, lanes: Mapping[str, str]) -> str | None:
    """The lane of a task, or of the embedded subprocess it sits in."""
    node: etree._Element | None = task
    while node is not None:
        if node.get("id") in lanes:
            return lanes[node.get("id")]
        parent = node.getparent()
        if parent is None or _local(parent) == "process":
            return None
        node = parent
    return None


def _check_user_tasks(
    ctx: _Context, name: str, tree: etree._ElementTree, forms: FormCatalog | None
) -> None:
    for process in tree.iter(f"{_B}process"):
        lanes = _lane_names(process)
        for task in process.iter(f"{_B}userTask"):
            form_key = spiff_property(task, "formKey")
            if not form_key:
                ctx.error(
                    name,
                    task,
                    f"{_label(task)} heeft geen formulier (formKey)",
                    "Kies in het eigenschappenpaneel welk formulier deze taak"
                    " gebruikt.",
                )
            elif forms is not None and form_key not in forms:
                ctx.error(
                    name,
                    task,
                    f"{_label(task)} gebruikt formulier ‘{form_key}’, maar dat bestaat"
                    " niet",
                    "Kies een bestaand formulier of maak het aan in de"
                    " formuliereneditor.",
                )
            role = _role_of(task, lanes)
            if role is None:
                ctx.error(
                    name,
                    task,
                    f"{_label(task)} ligt in geen enkele lane",
                    "Sleep de taak in de lane van de rol die hem uitvoert ("
                    + ", ".join(ROLES)
                    + ").",
                )
            elif role not in ROLES:
                ctx.error(
                    name,
                    task,
                    f"{_label(task)} ligt in lane ‘{role}’, maar dat is geen rol",
                    "Een lane heet naar een rol: " + ", ".join(ROLES) + ".",
                )
    for lane in tree.iter(f"{_B}lane"):
        lane_name = (lane.get("name") or "").strip()
        has_children = lane.find(f"{_B}childLaneSet") is not None
        if lane_name not in ROLES and not has_children:
            ctx.warning(
                name,
                lane,
                f"lane ‘{lane_name}’ is geen rol",
                "Noem de lane naar een rol: " + ", ".join(ROLES) + ".",
            )
