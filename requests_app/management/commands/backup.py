"""Back up the database (pg_dump) and the media folder into a new folder (requests_app.ops.backups)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from requests_app.ops.backups import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the PostgreSQL database and the media folder (the documents) into a new folder: "
        "database.dump, media.tar.gz and manifest.json. Restore it with `manage.py restore FOLDER`."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            help="The folder to write (new or empty); default: var/backups/<date and time>.",
        )

    def handle(self, *args, output=None, **options):
        folder = output or Path(settings.VAR_DIR) / "backups" / timezone.now().strftime("%Y-%m-%dT%H%M%SZ")
        try:
            manifest = backup(folder)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Backed up {manifest['cases']} case(s) and {manifest['documents']} document(s) into {folder}"
        )
