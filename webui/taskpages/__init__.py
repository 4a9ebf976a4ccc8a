"""The pages of the task queue and of one task (URL namespace ``tasks``): views,
urls, forms, what a task page shows of its case (``needs``) and the log of what it
showed (``seen``). The work is in ``webui.taskwork`` and ``webui.casework``."""
