"""What a server process does once before its first request, so that the first dashboard it shows costs
what the next ones do (issue 8: the regional dashboard ≤ 1 s cold). Called from nastavnik/config/wsgi.py,
which gunicorn's workers and runserver load before they serve; not from AppConfig.ready(), which tests and
every management command run too, and where the other apps are not ready yet to import their views.

- the URLconf: every app's views and what they import (matplotlib, openpyxl, docx…), and the reverse map
  that the first `{% url %}` of a request would otherwise build (0.1 s);
- matplotlib's first figure (charts.warm_up: the font list, the SVG and PNG writers);
- the dashboards' templates, compiled into the cached loader;
- the Russian translations, which Django reads on the first activation.

Nothing of the data is read: no query, no cache of results.
"""

from __future__ import annotations

import logging
import time

logger = logging.getLogger(__name__)

TEMPLATES = (
    "base.html",
    "monitoring/dashboard.html",
    "monitoring/_indicators.html",
    "components/_empty.html",
    "monitoring/satisfaction.html",
    "monitoring/registry.html",
)


def warm_up() -> float:
    """Returns the seconds it took (logged at INFO). Safe to call twice; a failure is logged, never raised:
    a warm-up must not keep a server from starting (a broken view still fails on its own request)."""
    started = time.perf_counter()
    try:
        _warm_up()
    except Exception:
        logger.exception("warm-up of the server process failed")
    elapsed = time.perf_counter() - started
    logger.info("warm-up of the server process: %.2f s", elapsed)
    return elapsed


def _warm_up() -> None:
    from django.conf import settings
    from django.template import TemplateDoesNotExist
    from django.template.loader import get_template
    from django.urls import get_resolver, reverse
    from django.utils import translation

    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 — imports the views of every app
    reverse("home")  # builds the reverse map of the URLconf…
    _reverse_maps(resolver)  # …and of each namespace (monitoring:, mentorships:…), built on its first use
    from . import charts

    charts.warm_up()
    for name in TEMPLATES:
        try:
            get_template(name)
        except TemplateDoesNotExist:  # a template renamed elsewhere must not stop a server from starting
            logger.warning("warm-up: no template %s", name)
    with translation.override(settings.LANGUAGE_CODE):
        translation.gettext("Log in")


def _reverse_maps(resolver) -> None:
    for _prefix, sub in resolver.namespace_dict.values():
        sub.reverse_dict  # noqa: B018 — a property that builds the map
        _reverse_maps(sub)
