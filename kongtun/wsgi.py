"""The WSGI application (``make serve`` runs it under gunicorn with ``--preload``).

Every view module is imported here, not on a worker's first request: the URLconf pulls in
openpyxl, the PDF and projection stacks and the API (about 7 s), which a person would wait
through after every worker start or restart (``--max-requests``). With ``--preload`` the
master imports once and each worker forks with it all loaded."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kongtun.settings")
application = get_wsgi_application()

from django.db import connections  # noqa: E402
from django.urls import get_resolver  # noqa: E402

get_resolver().url_patterns  # noqa: B018 — imports every view
connections.close_all()  # a forked worker must never share the master's connection
