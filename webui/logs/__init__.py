"""The logs, on the ground floor: the audit of changes (AuditEvent: who did what to
which case, the case's own timeline) and the processing log of reads and writes of
personal data (ProcessingRecord: who saw or changed what, on which ground). The
services and selectors of every app write to them through webui.logs.services, with
the page's Occasion (webui.logs.context); the logs import no other app."""
