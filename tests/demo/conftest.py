"""The demo region is built ONCE for every test of this package (it takes tens of seconds): a
package-scoped fixture commits it, each test runs in a transaction that is rolled back, and the
region is removed when the package is done. `--dist loadgroup` keeps the package on one xdist worker."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from tests.conftest import flush_database


@pytest.fixture(scope="package")
def demo_output(django_db_setup, django_db_blocker) -> str:
    """What `load_demo` printed when it built the region."""
    from nastavnik.pools.services import request_categories_sync
    from nastavnik.programs.services import mentoring_forms_sync

    out = io.StringIO()
    with django_db_blocker.unblock():
        mentoring_forms_sync()  # a database flushed by an earlier transactional test lost the catalogues
        request_categories_sync()
        call_command("load_demo", stdout=out)
    yield out.getvalue()
    with django_db_blocker.unblock():
        flush_database()


@pytest.fixture(autouse=True)
def _demo(demo_output, db):
    """Every test of the package sees the demo region and changes nothing for the next one."""
