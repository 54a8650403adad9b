"""Shared set-up for benchmarks: a separate PostgreSQL database and timing helpers."""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/wanjia_bench")


def setup_django() -> None:
    """Django on the benchmark database (never the test or demo one), DEBUG off."""
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = BENCH_DATABASE_URL
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    import psycopg
    from psycopg import sql

    name = str(psycopg.conninfo.conninfo_to_dict(BENCH_DATABASE_URL)["dbname"])
    with psycopg.connect(BENCH_DATABASE_URL, dbname="postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    import django
    from django.conf import settings

    django.setup()
    settings.ROOT_URLCONF = "bench.urls"
    settings.ALLOWED_HOSTS = ["*"]
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def measure(label: str, call: Callable[[], object], *, repeat: int, warmup: int = 10) -> dict[str, float]:
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    result = {
        "median_ms": statistics.median(samples),
        "p95_ms": samples[int(len(samples) * 0.95) - 1],
        "n": len(samples),
    }
    print(f"{label:<44} median {result['median_ms']:8.2f} ms   p95 {result['p95_ms']:8.2f} ms   (n={repeat})")
    return result
