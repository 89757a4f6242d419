"""Reminders before a deadline slips: the sweep, the digests and their tasks."""
