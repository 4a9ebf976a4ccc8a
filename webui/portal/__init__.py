"""The records of Mijn Wegwijs: invitations, one-time sign-in codes and the
statushouder's requests. The pages and their work are in webui/portalpages; see
docs/portal.md."""
