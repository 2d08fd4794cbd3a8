"""Admin for lists and subscribers: snippets, CSV import and export."""
