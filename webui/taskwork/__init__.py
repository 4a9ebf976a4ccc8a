"""Working on tasks, above need-to-know: the queue (``selectors``: the tabs, filters,
the next task, who may hand a task over to whom) and claiming, giving back, handing
over and the projection of the ready user tasks onto the queue (``services``). The
task records are in ``webui.tasks``; the pages in ``webui.taskpages``."""
