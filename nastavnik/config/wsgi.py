import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nastavnik.config.settings")
application = get_wsgi_application()

# the first request of a worker costs what the next ones do: URLconf, matplotlib, templates (issue 8)
from nastavnik.monitoring.warmup import warm_up  # noqa: E402

warm_up()
