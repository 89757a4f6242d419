"""A country's electoral engagement across elections: the country file (resolution 62/150, paras 2, 5, 9).

This domain writes nothing: it composes what the others hold (cases, elections, decisions, the
roster's deployments, the partners' contributions, the Trust Fund's entries) for one country, each
as its own domain shows it to this reader. No domain imports it (pyproject.toml, import contracts).
"""
