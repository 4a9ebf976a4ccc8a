"""The privacy app owns no models: the processing log is in webui.logs."""
