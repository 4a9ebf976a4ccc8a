"""The process pages: the viewer for everyone, the studio for a gemeente's beheerder.

One module per idea; each view reads through a selector and writes through one
service. ``urls.py`` takes the views from here."""

from .drafts import (
    studio_activate,
    studio_base_change,
    studio_check,
    studio_deploy,
    studio_diff,
    studio_download,
    studio_home,
    studio_rebase,
    studio_settings,
)
from .editors import (
    studio_dmn_editor,
    studio_form_editor,
    studio_form_preview,
    studio_modeler,
)
from .files import (
    studio_new_diagram,
    studio_new_form,
    studio_new_table,
    studio_remove,
    studio_upload,
)
from .migration import (
    studio_migration,
    studio_migration_revert,
    studio_migration_run,
)
from .proefrit import studio_proefrit, studio_proefrit_start
from .scenarios import (
    studio_scenario_delete,
    studio_scenario_download,
    studio_scenario_save,
    studio_scenario_upload,
    studio_scenarios,
    studio_scenarios_run,
    studio_version_scenarios,
)
from .viewer import diagram, process_list

__all__ = [
    "diagram",
    "process_list",
    "studio_activate",
    "studio_base_change",
    "studio_check",
    "studio_deploy",
    "studio_diff",
    "studio_dmn_editor",
    "studio_download",
    "studio_form_editor",
    "studio_form_preview",
    "studio_home",
    "studio_migration",
    "studio_migration_revert",
    "studio_migration_run",
    "studio_modeler",
    "studio_new_diagram",
    "studio_new_form",
    "studio_new_table",
    "studio_proefrit",
    "studio_proefrit_start",
    "studio_rebase",
    "studio_remove",
    "studio_scenario_delete",
    "studio_scenario_download",
    "studio_scenario_save",
    "studio_scenario_upload",
    "studio_scenarios",
    "studio_scenarios_run",
    "studio_settings",
    "studio_upload",
    "studio_version_scenarios",
]
