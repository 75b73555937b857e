"""Every module here exports CASES: {url name: Case}. They are merged for the access matrix, so
each app adds its URLs in its own file (tests/access_cases/<app>.py)."""

import importlib
import pkgutil

from .base import Case

CASES: dict[str, Case] = {}
for _module in pkgutil.iter_modules(__path__):
    if _module.name != "base":
        _cases = importlib.import_module(f"{__name__}.{_module.name}").CASES
        _clash = set(_cases) & set(CASES)
        assert not _clash, f"URL cases defined twice: {_clash}"
        CASES.update(_cases)

__all__ = ["CASES", "Case"]
