"""The roster of experts and their deployments (paras 8-9)."""
