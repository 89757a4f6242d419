"""Running EAS: one beat at a time (its lease and heartbeat), the health probes, backups."""
