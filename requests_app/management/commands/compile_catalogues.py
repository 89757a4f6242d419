"""Compile the translation catalogues (locale/*/LC_MESSAGES/django.po) with babel: no GNU gettext needed."""

from django.core.management.base import BaseCommand

from requests_app.core.catalogues import catalogues, compile_all


class Command(BaseCommand):
    help = "Compile each catalogue whose .mo is missing or older than its .po (--force: all of them)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Compile every catalogue, up to date or not.")
        parser.add_argument("--quiet", action="store_true", help="Say nothing unless something was compiled.")

    def handle(self, *args, force=False, quiet=False, **options):
        written = compile_all(force=force)
        if quiet and not written:
            return
        for path in written:
            self.stdout.write(f"compiled {path}")
        self.stdout.write(f"{len(written)} of {len(catalogues())} catalogue(s) compiled; the others were up to date.")
