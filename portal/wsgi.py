"""Entry point for gunicorn: `gunicorn portal.wsgi:app`."""
from portal import create_app, rendering, search

app = create_app()
rendering.compile_templates(app)  # at start-up, not in each process's first requests
search.build_indexes()  # the content search, once per process before the first request
