"""One line of the access matrix (tests/test_access_matrix.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Case:
    kwargs: Callable | None = None  # cast → URL kwargs of an object of school A / region A
    write: bool = False  # POST changes data: read-only roles must get 403 and nothing may change
    listing: bool = False  # a page without an object: strangers see it, but nothing of school A
    shared: bool = False  # a catalogue object every user may read (not school A's)
    post_only: bool = False  # answers POST only (htmx helpers)
    public: bool = False  # no login needed (one-time links): skipped by the login checks
