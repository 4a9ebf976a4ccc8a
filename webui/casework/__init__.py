"""Working on a case, above need-to-know: starting and advancing it (``services``,
with the one way to advance in ``services/advancing.py``), reading it (``selectors``,
``summary``, ``timeline``, the case file in ``casefile``) and the background runs of
a migration (``tasks``). The case's records are in ``webui.cases``; its pages, admin
and commands in ``webui.casepages``."""
