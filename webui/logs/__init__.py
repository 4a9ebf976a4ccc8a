"""The logs, on the ground floor: the audit of changes (AuditEvent: who did what to
which case, the case's own timeline) and the processing log of reads and writes of
personal data (ProcessingRecord: who saw or changed what, on which ground). Every
app writes to them through webui.logs.services; the logs import no other app."""
