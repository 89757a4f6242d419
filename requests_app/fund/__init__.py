"""The Trust Fund for Electoral Assistance (para 7): ledger, rates, balance alerts, statement."""
