"""The briefing to Member States as a file, as the page at /reports/briefing/ downloads it.

    python manage.py briefing --from 2026-01-01 --to 2026-06-30 --format pdf --output briefing.pdf
    python manage.py briefing --from 2026-01-01 --to 2026-06-30 --format csv --output -   # to stdout
    python manage.py briefing --format xlsx          # the last complete quarter, to eas-briefing-….xlsx
    python manage.py briefing --report sg --from 2024-01-01 --to 2025-12-31 --format pdf   # the SG's report
    python manage.py briefing --language ar --format pdf   # in Arabic (ar, zh-hans, en, fr, ru or es)

The format comes from --format, else from the extension of --output. Without --from and --to the
report covers the last complete quarter; without --output it is written to a file named after the
period in the current directory. The report is written in --language (English by default), its
file named with it (eas-briefing-…-ar.pdf).
"""

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from requests_app.reports import exports as briefing_export
from requests_app.reports import pdf as briefing_pdf_export
from requests_app.reports import sg_report
from requests_app.reports.briefing import file_name, named_in
from requests_app.reports.forms import ReportingPeriodForm
from requests_app.reports.selectors import build_briefing
from requests_app.reports.selectors_sg import build_sg_report

WRITERS = {
    "csv": briefing_export.csv_bytes,
    "xlsx": briefing_export.xlsx_bytes,
    "pdf": briefing_pdf_export.pdf_bytes,
}


# The reports: (how it is built, how its file is named, what it is called).
REPORTS: dict[str, tuple[Callable[[date, date], Any], Callable[[date, date, str], str], str]] = {
    "briefing": (build_briefing, file_name, "Briefing"),
    "sg": (build_sg_report, sg_report.file_name, "Report of the Secretary-General"),
}


class Command(BaseCommand):
    help = "Write the briefing to Member States (resolution 62/150, para 3) for a period, as CSV, XLSX or PDF."

    def add_arguments(self, parser):
        parser.add_argument(
            "--from",
            dest="start",
            metavar="YYYY-MM-DD",
            help="First day of the period, included (default: the last complete quarter).",
        )
        parser.add_argument(
            "--report",
            choices=sorted(REPORTS),
            default="briefing",
            help="briefing (to Member States, the default) or sg (the report of the Secretary-General).",
        )
        parser.add_argument("--to", dest="end", metavar="YYYY-MM-DD", help="Last day of the period, included.")
        parser.add_argument(
            "--format",
            dest="kind",
            metavar="FORMAT",
            help="csv, xlsx or pdf (default: from the extension of --output).",
        )
        parser.add_argument(
            "--language",
            default=settings.LANGUAGE_CODE,
            metavar="CODE",
            help="The language it is written in: ar, zh-hans, en, fr, ru or es (default: en).",
        )
        parser.add_argument(
            "--output",
            "-o",
            metavar="FILE",
            help="Where to write it; '-' writes CSV to standard output. "
            "Default: eas-briefing-<from>-to-<to>.<format> here.",
        )

    def handle(self, *args, start=None, end=None, kind=None, output=None, report="briefing", **options):
        kind = self._format(kind, output)
        language = self._language(options.get("language") or settings.LANGUAGE_CODE)
        form = ReportingPeriodForm({"from": start or "", "to": end or ""})
        if not form.is_valid():
            problems = [
                f"--{name}: {error}" for name, errors in form.errors.items() if name != "__all__" for error in errors
            ]
            problems += [str(error) for error in form.non_field_errors()]
            raise CommandError(" ".join(problems))
        start, end = form.period
        if output == "-" and kind != "csv":
            raise CommandError(f"A {kind.upper()} file cannot go to standard output: give --output FILE.")
        build, name_file, what = REPORTS[report]
        with translation.override(language):
            content = WRITERS[kind](build(start, end))
        if output == "-":
            self.stdout.write(content.decode("utf-8-sig"), ending="")
            return
        path = Path(output or named_in(name_file(start, end, kind), language))
        try:
            path.write_bytes(content)
        except OSError as error:
            raise CommandError(f"Cannot write {path}: {error.strerror or error}.") from None
        self.stdout.write(
            f"{what} {start.isoformat()} to {end.isoformat()} written to {path} ({len(content):,} bytes)."
        )

    @staticmethod
    def _language(code):
        """The language code as EAS names it: zh-Hans, zh_Hans and zh-hans are one."""
        language = code.strip().lower().replace("_", "-")
        if language not in dict(settings.LANGUAGES):
            codes = ", ".join(code for code, _name in settings.LANGUAGES)
            raise CommandError(f"Unknown language {code!r}: choose one of {codes}.")
        return language

    @staticmethod
    def _format(kind, output):
        if kind is None and output not in (None, "-"):
            kind = Path(output).suffix.lstrip(".").lower() or None
        if kind is None:
            if output == "-":
                return "csv"
            raise CommandError("Give the format with --format csv, xlsx or pdf (or an --output file ending in one).")
        kind = kind.lower()
        if kind not in WRITERS:
            raise CommandError(f"Unknown format {kind!r}: choose csv, xlsx or pdf.")
        return kind
