"""The history of every case: events, how they read, the auditor's export."""
