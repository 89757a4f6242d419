"""A user's own settings in EAS: the language they read it in."""
