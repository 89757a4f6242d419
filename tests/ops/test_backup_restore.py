"""Backup and restore, as README's recipe does them: `manage.py backup` of a site with cases and
documents, `manage.py restore` into a new PostgreSQL database and a new media folder, and a
Django pointed at those finds every case and every document, with the same bytes."""

import hashlib
import json
import subprocess
import sys
import uuid

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from requests_app.cases.models import AssistanceRequest
from requests_app.documents import services as document_services
from requests_app.documents.models import CaseDocument, DocumentKind
from tests.factories import new_request, office_package, pdf_upload
from tests.ops.helpers import database_url, process_env
from tests.project import PRODUCTION, ROOT

# What a Django pointed at the restored database and media folder finds: every case and document.
INVENTORY = """
import hashlib, json, django
django.setup()
from requests_app.cases.models import AssistanceRequest
from requests_app.documents.models import CaseDocument
print(json.dumps({
    "cases": sorted(AssistanceRequest.objects.values_list("reference", flat=True)),
    "documents": sorted(
        [d.case.reference, d.kind, d.original_name, hashlib.sha256(d.file.open("rb").read()).hexdigest()]
        for d in CaseDocument.objects.select_related("case")
    ),
}))
"""


def inventory():
    """The same, in this process (the site that was backed up)."""
    return {
        "cases": sorted(AssistanceRequest.objects.values_list("reference", flat=True)),
        "documents": sorted(
            [d.case.reference, d.kind, d.original_name, hashlib.sha256(d.file.open("rb").read()).hexdigest()]
            for d in CaseDocument.objects.select_related("case")
        ),
    }


@pytest.fixture
def new_database():
    """An empty database beside the tests' one (named after it), dropped afterwards."""
    base = connection.settings_dict["NAME"].removeprefix("test_")
    name = f"{base}_restored_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(database_url("postgres"), autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    yield name
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def in_site(database, media, *args, script=None):
    """manage.py (or a script) with production's settings, on that database and media folder."""
    command = [sys.executable, "-c", script] if script else [sys.executable, "manage.py", *args]
    env = process_env(
        **{**PRODUCTION, "DATABASE_URL": database_url(database), "CELERY_BROKER_URL": "memory://", "MEDIA_ROOT": media}
    )
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)


# pg_dump is another process: what the test writes must be committed (transaction=True).
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_backup_restored_into_a_new_database_and_folder_holds_every_case_and_document(
    officer, settings, tmp_path, new_database
):
    cases = [new_request(state=state, summary=f"Request {state}") for state in ("GHA", "KEN", "FRA")]
    for number, case in enumerate(cases):
        document_services.attach_document(
            actor=officer, case=case, kind=DocumentKind.MISSION_REPORT, upload=pdf_upload(f"mission-{number}.pdf")
        )
        document_services.attach_document(
            actor=officer,
            case=case,
            kind=DocumentKind.OTHER,
            upload=pdf_upload(f"annex-{number}.docx", office_package(extra=[("case.txt", case.reference.encode())])),
        )
    backed_up = inventory()
    assert len(backed_up["cases"]) == 3 and len(backed_up["documents"]) >= 6
    assert len({sha for *_, sha in backed_up["documents"]}) >= 4  # different files, not one file many times

    call_command("backup", output=tmp_path / "backup")
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert (manifest["cases"], manifest["documents"]) == (3, len(backed_up["documents"]))

    media = tmp_path / "restored-media"
    restored = in_site(new_database, media, "restore", str(tmp_path / "backup"))
    assert restored.returncode == 0, restored.stderr
    assert f"Restored 3 case(s) and {len(backed_up['documents'])} document(s)" in restored.stdout

    found = in_site(new_database, media, script=INVENTORY)
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout.strip().splitlines()[-1]) == json.loads(json.dumps(backed_up))

    # Restoring again over it is refused: nothing is mixed or overwritten.
    again = in_site(new_database, media, "restore", str(tmp_path / "backup"))
    assert again.returncode != 0 and "is not empty" in again.stderr and "createdb" in again.stderr


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_damaged_backup_is_refused_before_anything_is_restored(settings, tmp_path, new_database):
    new_request()
    call_command("backup", output=tmp_path / "backup")
    with (tmp_path / "backup" / "media.tar.gz").open("ab") as archive:
        archive.write(b"\0")
    restored = in_site(new_database, tmp_path / "media", "restore", str(tmp_path / "backup"))
    assert restored.returncode != 0
    assert "media.tar.gz is missing or not the file that was backed up" in restored.stderr
    assert not (tmp_path / "media").exists()
    with pytest.raises(CommandError, match="not empty: a backup goes into a new folder"):
        call_command("backup", output=tmp_path / "backup")


def test_a_site_on_sqlite_is_told_to_copy_its_file(tmp_path):
    env = process_env(**{**PRODUCTION, "DATABASE_URL": f"sqlite:///{tmp_path / 'eas.sqlite3'}"})
    result = subprocess.run(
        [sys.executable, "manage.py", "backup", "--output", str(tmp_path / "backup")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "CommandError: Backups are of a PostgreSQL database" in result.stderr and "Copy its file" in result.stderr
    assert not (tmp_path / "backup").exists()
