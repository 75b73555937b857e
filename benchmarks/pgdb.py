"""The benchmarks' own PostgreSQL databases: each creates one beside DATABASE_URL's and drops it."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"


def server_url(url: str, database: str) -> str:
    """The same server, another database."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{database}", parts.query, parts.fragment))


def psycopg_url(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


@contextlib.contextmanager
def bench_database(name: str, *, create: bool, keep: bool, prefix: str) -> Iterator[Path]:
    """The benchmark database `name` on DATABASE_URL's server, and this process's environment pointed at
    it (real settings, DEBUG off, media in a temporary folder): dropped and created anew when `create`,
    dropped again at the end unless `keep`. A database that was reused (not created) is never dropped.
    Yields the temporary working folder."""
    server = os.environ.get("DATABASE_URL", DEFAULT_SERVER)
    if not server.startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL must point to PostgreSQL: the benchmark creates its own database there.")
    import psycopg

    admin_url = psycopg_url(server_url(server, "postgres"))
    if create:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {name}")
    else:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            if admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
                sys.exit(f"There is no database {name} to reuse: run once with --keep-db first.")
    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    os.environ.update(
        DATABASE_URL=server_url(server, name),
        DJANGO_SETTINGS_MODULE="nastavnik.config.settings",
        DEBUG="0",
        SECRET_KEY="benchmark-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        MEDIA_ROOT=str(workdir / "media"),
        LOG_LEVEL="WARNING",
        CONN_MAX_AGE="0",
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="0",
    )
    try:
        yield workdir
    finally:
        if create and not keep:
            with psycopg.connect(admin_url, autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
