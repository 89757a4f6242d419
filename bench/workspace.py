"""The staff workspace: the case list (with and without filters), the case page, the exports.

The exports are read to their last byte, as a browser downloading them would. Memory is
measured twice: once, untimed, with tracemalloc (what Python itself holds at once during an
export, which flat memory keeps far below the size of the file), and on every run by a thread
sampling the resident memory of the process (which stays put when the allocator reuses what
earlier benchmarks freed).
"""

import csv
import io
import resource
import tempfile
import threading
import time
import tracemalloc
import zipfile

from django.db import connection

from bench.core import QueryCounter, Timed, as_in_use, benchmark

LIST = "/cases/"
CSV_EXPORT = "/cases/export.csv"
XLSX_EXPORT = "/cases/export.xlsx"


@benchmark("case list", setup=as_in_use)
def case_list(ctx, _setup):
    ctx.get(LIST)


@benchmark("case list, filtered", setup=as_in_use)
def case_list_filtered(ctx, _setup):
    ctx.get(f"{LIST}?stage=in_implementation&region=AFRICAN&sort=due")


@benchmark("case list, search", setup=as_in_use)
def case_list_search(ctx, _setup):
    ctx.get(f"{LIST}?q=Ghana")


@benchmark("case list, overdue", setup=as_in_use)
def case_list_overdue(ctx, _setup):
    ctx.get(f"{LIST}?deadline=overdue&sort=due")


def _case_with_full_history(ctx):
    as_in_use(ctx)
    case, entries = ctx.case_with_longest_history()
    ctx.note(f"Workspace case page: {case.reference}, {entries} history entries, {case.documents.count()} documents.")
    return f"{LIST}{case.reference}/"


@benchmark("case page, full history", setup=_case_with_full_history)
def case_page(ctx, url):
    ctx.get(url)


# Exports -----------------------------------------------------------------------------------------

PAGE = resource.getpagesize()


def _rss():
    """The resident memory of the process now, in bytes (ru_maxrss only ever grows)."""
    with open("/proc/self/statm", encoding="ascii") as handle:
        return int(handle.read().split()[1]) * PAGE


class MemoryWatch:
    """The highest resident memory seen while the block runs, sampled every few milliseconds."""

    def __init__(self, every=0.01):
        self.every = every
        self.start = self.peak = 0
        self.cpu = 0.0  # processor time of the process meanwhile, in seconds (set by the caller)
        self._stop = threading.Event()

    def _sample(self):
        while not self._stop.wait(self.every):
            self.peak = max(self.peak, _rss())

    def __enter__(self):
        self.start = self.peak = _rss()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss())

    @property
    def grown_mib(self):
        return (self.peak - self.start) / 2**20


def _download(ctx, url, target):
    """One export, timed from the request to its last byte, written to ``target``: (Timed, memory watch)."""
    with MemoryWatch() as memory, QueryCounter(connection) as captured:
        started, cpu = time.perf_counter(), time.process_time()
        response = ctx.get(url)
        for chunk in response.streaming_content:
            target.write(chunk)
        elapsed, memory.cpu = time.perf_counter() - started, time.process_time() - cpu
        response.close()
    target.flush()
    target.seek(0)
    return Timed(ms=elapsed * 1000, queries=len(captured), cpu_ms=memory.cpu * 1000), memory


class ExportNote:
    """One line of the report per export, updated after each run with the largest figures seen."""

    def __init__(self, kind):
        self.kind = kind
        self.index = None
        self.rows = None
        self.runs = 0
        self.grown = 0.0
        self.slowest = 0.0
        self.least_cpu = None

    def record(self, ctx, timed, memory, size, count_rows):
        if self.rows is None:
            self.rows = count_rows()  # once, untimed: the rows the file really holds
        self.runs += 1
        self.grown = max(self.grown, memory.grown_mib)
        self.slowest = max(self.slowest, timed.ms / 1000)
        self.least_cpu = min(self.least_cpu or memory.cpu, memory.cpu)
        runs = f"{self.runs} run{'s' if self.runs > 1 else ''}"
        text = (
            f"Export {self.kind}: {self.rows:,} rows, {size / 2**20:.1f} MiB; over {runs} (warm-ups "
            f"included) the slowest took {self.slowest:.1f} s, the least processor time of this process (the "
            f"database server's not counted) {self.least_cpu:.1f} s; resident memory rose at most "
            f"{self.grown:.0f} MiB above its level at the request; peak memory of the process "
            f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB."
        )
        if self.index is None:
            self.index = len(ctx.notes)
            ctx.notes.append(text)
        else:
            ctx.notes[self.index] = text


_csv_note, _xlsx_note = ExportNote("CSV"), ExportNote("XLSX")


def _traced_export(ctx, kind, url):
    """One untimed export under tracemalloc: the most memory Python held at once while it ran."""
    as_in_use(ctx)
    with tempfile.TemporaryFile() as target:
        tracemalloc.start()
        try:
            tracemalloc.reset_peak()
            before = tracemalloc.get_traced_memory()[0]
            response = ctx.get(url)
            for chunk in response.streaming_content:
                target.write(chunk)
            response.close()
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        size = target.seek(0, io.SEEK_END)
    ctx.note(
        f"Export {kind}, traced once (untimed): Python held at most {(peak - before) / 2**20:.1f} MiB more than "
        f"before the request while writing a {size / 2**20:.1f} MiB file."
    )


@benchmark("export CSV, 100,000 rows", setup=lambda ctx: _traced_export(ctx, "CSV", CSV_EXPORT), runs=3)
def export_csv(ctx, _setup):
    with tempfile.TemporaryFile() as target:
        timed, memory = _download(ctx, CSV_EXPORT, target)
        size = target.seek(0, io.SEEK_END)
        target.seek(0)

        def count_rows():
            with io.TextIOWrapper(target, encoding="utf-8-sig", newline="") as text:
                return sum(1 for _row in csv.reader(text)) - 1

        _csv_note.record(ctx, timed, memory, size, count_rows)
    return timed


@benchmark("export XLSX, 100,000 rows", setup=lambda ctx: _traced_export(ctx, "XLSX", XLSX_EXPORT), runs=3)
def export_xlsx(ctx, _setup):
    with tempfile.TemporaryFile() as target:
        timed, memory = _download(ctx, XLSX_EXPORT, target)
        size = target.seek(0, io.SEEK_END)
        target.seek(0)

        def count_rows():
            rows, carry = 0, b""
            with zipfile.ZipFile(target) as archive, archive.open("xl/worksheets/sheet1.xml") as sheet:
                while block := sheet.read(1 << 20):
                    block = carry + block
                    rows += block.count(b"</row>")
                    carry = block[-5:]  # a tag cut in two by the block boundary: counted with the next
            return rows - 1

        _xlsx_note.record(ctx, timed, memory, size, count_rows)
    return timed
