"""Which lane each phase runs in: what tells the MB track from the regie track.

The main process draws each phase as a call activity in the lane of the party that
runs it (the begeleider's or the regievoerder's), so the lane of the call activity
is the phase's track. A version whose main process has no lanes (the first base
trajectory) falls back to the lane most of the phase's own user tasks are in.
"""

from collections import Counter

from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask

from .specs import MAIN_PROCESS, DeployedVersion
from .trail import file_processes


def phase_lanes(version: DeployedVersion) -> dict[str, str]:
    """Phase (process id) -> the lane (role) that runs it; "" when nothing says."""
    drawn: dict[str, str] = {}
    for task_spec in version.spec.task_specs.values():
        if isinstance(task_spec, SubWorkflowTask) and task_spec.lane:
            drawn.setdefault(task_spec.spec, str(task_spec.lane))
    owners = file_processes(
        version.process_files,
        {MAIN_PROCESS: version.spec, **version.subprocess_specs},
    )
    tasks: dict[str, Counter[str]] = {}
    for (process, _task), role in version.user_task_roles.items():
        if role:
            tasks.setdefault(owners.get(process, process), Counter())[role] += 1
    lanes = {}
    for pid in version.phase_order:
        if pid in drawn:
            lanes[pid] = drawn[pid]
        elif pid in tasks:
            # most_common keeps the first counted on a tie: the diagram's order.
            lanes[pid] = tasks[pid].most_common(1)[0][0]
        else:
            lanes[pid] = ""
    return lanes
