"""The import contracts (pyproject.toml, [tool.importlinter]) hold, and catch what they exist for.

Each violation is written into a copy of requests_app in a temporary folder; lint-imports must then
fail, naming the import. No Django here: import-linter reads the source, it imports nothing.
"""

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
APP = ROOT / "requests_app"
# Packages of requests_app that are not domains: what the domains share, and what composes them.
NOT_DOMAINS = {"core", "demo", "management", "migrations", "templatetags"}


def contracts():
    config = tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]
    return {contract["id"]: contract for contract in config["contracts"]}


def lint_imports(tree, *contract_ids):
    """Run lint-imports on the requests_app found in ``tree``; (exit code, output on one line)."""
    command = [
        sys.executable,
        "-c",
        "import sys; from importlinter.cli import lint_imports_command as c; sys.exit(c())",
    ]
    command += ["--no-cache", "--config", str(PYPROJECT)]
    for contract_id in contract_ids:
        command += ["--contract", contract_id]
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True, timeout=120)
    return done.returncode, " ".join((done.stdout + done.stderr).split())


def test_the_tree_keeps_every_contract():
    code, output = lint_imports(ROOT)
    assert code == 0, output
    assert f"Contracts: {len(contracts())} kept, 0 broken." in output


# (file, code appended to it, contract it breaks, import the failure names)
VIOLATIONS = {
    "the event model reads its label from the workflow again": (
        "history/models.py",
        "from requests_app.cases.workflow import ACTIONS  # noqa\n",
        "models-below-everything",
        "requests_app.history.models -> requests_app.cases.workflow",
    ),
    "a service imports its task module, even inside a function": (
        "reminders/services.py",
        "def _send_now(claim, recipient):\n"
        "    from requests_app.reminders.tasks import send_reminder_digest\n\n"
        "    send_reminder_digest.delay(str(claim), recipient)\n",
        "services-queue-tasks-by-name",
        "requests_app.reminders.services -> requests_app.reminders.tasks",
    ),
    "the fund's alert imports the task that sends it": (
        "fund/alerts.py",
        "from requests_app.fund.tasks import send_balance_alert  # noqa\n",
        "fund-layers",
        "requests_app.fund.alerts -> requests_app.fund.tasks",
    ),
    "a selector imports a service of its domain": (
        "roster/selectors.py",
        "from requests_app.roster.services import deploy_expert  # noqa\n",
        "domain-layers",
        "requests_app.roster.selectors -> requests_app.roster.services",
    ),
    "core asks the cases who is staff": (
        "core/access.py",
        "from requests_app.cases import selectors  # noqa\n",
        "core-imports-no-domain",
        "requests_app.core.access -> requests_app.cases.selectors",
    ),
    "the case page reads the country file": (
        "cases/views.py",
        "from requests_app.engagement import selectors as country_file  # noqa\n",
        "engagement-on-top",
        "requests_app.cases.views -> requests_app.engagement.selectors",
    ),
    "the country file records a contribution": (
        "engagement/selectors.py",
        "from requests_app.partners.services import record_contribution  # noqa\n",
        "engagement-reads-only",
        "requests_app.engagement.selectors -> requests_app.partners.services",
    ),
    "the case's workflow imports the mandates": (
        "cases/workflow.py",
        "from requests_app.mandates.models import Mandate  # noqa\n",
        "cases-read-mandates-through-the-relation",
        "requests_app.cases.workflow -> requests_app.mandates.models",
    ),
    "a leaf domain imports another": (
        "roster/services.py",
        "from requests_app.partners.models import Partner  # noqa\n",
        "leaf-domains-independent",
        "requests_app.roster.services -> requests_app.partners.models",
    ),
}


@pytest.mark.parametrize("violation", VIOLATIONS)
def test_a_contract_fails_on_a_violation(violation, tmp_path):
    path, code, contract_id, named = VIOLATIONS[violation]
    shutil.copytree(APP, tmp_path / "requests_app", ignore=shutil.ignore_patterns("__pycache__"))
    with open(tmp_path / "requests_app" / path, "a") as module:
        module.write("\n\n" + code)
    exit_code, output = lint_imports(tmp_path, contract_id)
    assert exit_code == 1, output
    assert "1 broken" in output
    assert named in output


def _packages():
    return {
        entry.name
        for entry in APP.iterdir()
        if entry.is_dir() and (entry / "__init__.py").exists() and entry.name not in {"core", "migrations"}
    }


def test_core_is_kept_from_every_other_package():
    forbidden = set(contracts()["core-imports-no-domain"]["forbidden_modules"])
    assert {name.removeprefix("requests_app.") for name in forbidden} >= _packages()


def test_every_domain_is_in_the_layers_and_kept_from_the_composition():
    domains = _packages() - NOT_DOMAINS
    layered = {name.removeprefix("requests_app.") for name in contracts()["domain-layers"]["containers"]}
    below_composition = {
        name.removeprefix("requests_app.") for name in contracts()["composition-on-top"]["source_modules"]
    }
    assert layered == domains, "a new domain joins the containers of domain-layers in pyproject.toml"
    assert below_composition >= domains
