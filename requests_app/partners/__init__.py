"""Partner organisations and their contributions to cases (para 6)."""
