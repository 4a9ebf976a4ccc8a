"""The pages of one's own account (URL namespace ``accounts``): the profile, the
second factor (``twofactor``, ``twofactor_views``), and what every request knows of
its user (``middleware``: grants per request, the second-factor step;
``context_processors``: roles and lane labels for the templates). The records of
users, organisations and memberships are in ``webui.accounts``."""
