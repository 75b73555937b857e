"""The benchmarks' own PostgreSQL databases: each creates one beside DATABASE_URL's and drops it."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit


def server_url(url: str, database: str) -> str:
    """The same server, another database."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{database}", parts.query, parts.fragment))


def psycopg_url(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)
