"""The zaaksysteem's page for a gemeente's beheerder (docs/koppelingen.md).

Above need-to-know; its records, outbox and sending live below it in webui/zaken.
"""
