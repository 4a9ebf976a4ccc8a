"""The pages of a case: views, urls and forms (URL namespace ``cases``), the admin of
cases and the commands ``run_timers`` and ``migrate_cases``. A Django app without
models, so that its admin and commands are found; the work is in ``webui.casework``."""
