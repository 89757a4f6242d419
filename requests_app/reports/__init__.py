"""The briefing to Member States (para 3) and its CSV, XLSX and PDF."""
