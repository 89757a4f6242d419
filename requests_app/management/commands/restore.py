"""Restore a backup (`manage.py backup`) into an empty database and an empty media folder."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from requests_app.ops.backups import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into the database of DATABASE_URL and the folder "
        "MEDIA_ROOT, both empty (createdb a new database first); checks the files' SHA-256 first and "
        "compares the cases and documents restored with those backed up."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path, help="The backup's folder.")

    def handle(self, *args, folder, **options):
        try:
            manifest, restored = restore(folder)
        except BackupError as error:
            raise CommandError(str(error)) from error
        line = (
            f"Restored {restored.cases} case(s) and {restored.documents} document(s) "
            f"(the backup of {manifest['made_at']} held {manifest['cases']} and {manifest['documents']})."
        )
        if (restored.cases, restored.documents) != (manifest["cases"], manifest["documents"]):
            raise CommandError(line)
        self.stdout.write(line)
