"""A backup of the site: its PostgreSQL database (pg_dump) and its media folder (the documents).

A backup is a folder of three files: ``database.dump`` (pg_dump's custom format, restored by
pg_restore), ``media.tar.gz`` (MEDIA_ROOT) and ``manifest.json`` (when, how many cases and
documents, and each file's SHA-256, checked before anything is restored). The database is dumped
first, then the files: a document is written before its row is committed, so every document the
dump names is in the archive (an upload between the two is there too, without its row).

Restoring goes into an empty database and an empty media folder only: it never mixes a backup
into a site, nor overwrites one.
"""

import hashlib
import json
import os
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from requests_app.cases.models import AssistanceRequest
from requests_app.documents.models import CaseDocument

DATABASE_FILE = "database.dump"
MEDIA_FILE = "media.tar.gz"
MANIFEST_FILE = "manifest.json"


class BackupError(Exception):
    """What stops a backup or a restore, said so that the person running it knows what to do."""


@dataclass(frozen=True)
class Contents:
    cases: int
    documents: int


def contents() -> Contents:
    """What the database holds that a restore must bring back: every case and document."""
    return Contents(cases=AssistanceRequest.objects.count(), documents=CaseDocument.objects.count())


def _postgres() -> tuple[dict[str, str], str]:
    """The environment that points pg_dump / pg_restore at the site's database (the password in
    PGPASSWORD, never on a command line that `ps` shows), and the database's name."""
    database = settings.DATABASES["default"]
    if connection.vendor != "postgresql":
        raise BackupError(
            "Backups are of a PostgreSQL database (DATABASE_URL=postgres://…); this site uses "
            f"{connection.vendor}. Copy its file instead."
        )
    variables = {"PGHOST": database.get("HOST"), "PGPORT": database.get("PORT"), "PGUSER": database.get("USER")}
    variables["PGPASSWORD"] = database.get("PASSWORD")
    env = {**os.environ, **{key: str(value) for key, value in variables.items() if value}}
    return env, str(database["NAME"])


def _run(command: list[str], env: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(
            f"{command[0]} is not installed: install PostgreSQL's client (apt-get install postgresql-client)."
        )
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip() or result.returncode}")


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def backup(folder: Path) -> dict[str, Any]:
    """Write a backup of the database and the media folder into `folder` (new or empty)."""
    env, name = _postgres()
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(f"{folder} is not empty: a backup goes into a new folder.")
    folder.mkdir(parents=True, exist_ok=True)
    held = contents()
    _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={folder / DATABASE_FILE}", name], env)
    media = Path(settings.MEDIA_ROOT)
    with tarfile.open(folder / MEDIA_FILE, "w:gz") as archive:
        if media.is_dir():
            archive.add(media, arcname=".")
    manifest = {
        "made_at": timezone.now().isoformat(),
        "cases": held.cases,
        "documents": held.documents,
        "sha256": {file: sha256(folder / file) for file in (DATABASE_FILE, MEDIA_FILE)},
    }
    (folder / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def _checked_manifest(folder: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((folder / MANIFEST_FILE).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"{folder} holds no readable {MANIFEST_FILE}: is it a backup of EAS? ({error})") from error
    for file, expected in manifest.get("sha256", {}).items():
        if not (folder / file).is_file() or sha256(folder / file) != expected:
            raise BackupError(f"{folder / file} is missing or not the file that was backed up (its SHA-256 differs).")
    return manifest


def _refuse_unless_empty(media: Path) -> None:
    tables = connection.introspection.table_names()
    if tables:
        raise BackupError(
            f"The database {settings.DATABASES['default']['NAME']} is not empty ({len(tables)} tables): "
            "restore into a new database (createdb)."
        )
    if media.exists() and any(media.iterdir()):
        raise BackupError(f"The media folder {media} is not empty: restore into a new MEDIA_ROOT.")


def restore(folder: Path) -> tuple[dict[str, Any], Contents]:
    """Restore the backup in `folder` into the site's (empty) database and (empty) media folder;
    answer the backup's manifest and what the restored database holds."""
    env, name = _postgres()
    manifest = _checked_manifest(folder)
    media = Path(settings.MEDIA_ROOT)
    _refuse_unless_empty(media)
    _run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            f"--dbname={name}",
            str(folder / DATABASE_FILE),
        ],
        env,
    )
    media.mkdir(parents=True, exist_ok=True)
    with tarfile.open(folder / MEDIA_FILE, "r:gz") as archive:
        # "data": no absolute paths, no links or files outside the folder, no device files.
        archive.extractall(media, filter="data")
    return manifest, contents()
