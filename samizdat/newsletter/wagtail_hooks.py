"""Newsletter admin: lists and subscribers (with CSV import/export), sends and their progress."""

from samizdat.newsletter import admin_sends, admin_subscribers  # noqa: F401 - they register hooks
