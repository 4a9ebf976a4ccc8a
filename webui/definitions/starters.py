"""Starting points in the studio: a new diagram or decision table from a template, a
new form."""

import json
import re
import unicodedata
from html import escape
from pathlib import Path

from vocabulary import LANE_ROLES


def process_id_for(name: str) -> str:
    """A readable snake_case process id for a file or process name."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "_", plain.lower()).strip("_")
    return slug if slug and slug[0].isalpha() else f"proces_{slug or 'nieuw'}"


def new_diagram(process_id: str, name: str) -> str:
    """A small valid diagram: a lane per role, start → a task to fill in → end."""
    lane_height = 125
    lanes, shapes = [], []
    for index, role in enumerate(LANE_ROLES):
        refs = (
            "\n        <bpmn:flowNodeRef>start</bpmn:flowNodeRef>"
            "\n        <bpmn:flowNodeRef>eerste_taak</bpmn:flowNodeRef>"
            "\n        <bpmn:flowNodeRef>einde</bpmn:flowNodeRef>"
            if index == 0
            else ""
        )
        lanes.append(
            f'      <bpmn:lane id="lane_{role}" name="{role}">{refs}\n'
            "      </bpmn:lane>"
        )
        shapes.append(
            f'      <bpmndi:BPMNShape id="lane_{role}_di"'
            f' bpmnElement="lane_{role}" isHorizontal="true">\n'
            f'        <dc:Bounds x="190" y="{80 + index * lane_height}" width="600"'
            f' height="{lane_height}" />\n      </bpmndi:BPMNShape>'
        )
    total = lane_height * len(LANE_ROLES)
    template = (Path(__file__).parent / "nieuw_diagram.bpmn").read_text()
    return template.format(
        process_id=process_id,
        name=escape(name, quote=True),
        lanes="\n".join(lanes),
        shapes="\n".join(shapes),
        total=total,
    )


def new_form(key: str, title: str) -> str:
    """A form with one step and one question, to be edited in the form editor."""
    form = {
        "key": key,
        "title": title,
        "steps": [
            {
                "title": title,
                "fields": [
                    {
                        "name": "notitie",
                        "type": "textarea",
                        "label": "Notitie",
                        "required": False,
                        "privacy": "normaal",
                    }
                ],
            }
        ],
    }
    return json.dumps(form, indent=2, ensure_ascii=False) + "\n"


def new_table(decision_id: str, name: str, input_name: str, output_name: str) -> str:
    """A decision table (DMN 1.3) with one input, one output and one catch-all rule,
    to be filled in in the DMN editor."""
    template = (Path(__file__).parent / "nieuwe_tabel.dmn").read_text()
    return template.format(
        decision_id=decision_id,
        name=escape(name, quote=True),
        input_name=escape(input_name, quote=True),
        output_name=escape(output_name, quote=True),
    )
