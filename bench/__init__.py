"""Benchmarks of EAS pages and queries on a realistic volume of cases: ``make bench``.

    python -m bench                      # ~100,000 cases (seeded if fewer), every benchmark
    python -m bench --only changelist    # the benchmarks whose name contains "changelist"
    python -m bench --runs 50 --warmup 5
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/eas_bench python -m bench

Each area has its module (``bench/admin_pages.py``, …) whose functions register with the
``@benchmark("name")`` decorator of ``bench.core``; every module of this package is
imported, so a new module is picked up without being listed anywhere.
"""
