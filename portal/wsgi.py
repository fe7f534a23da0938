"""Entry point for gunicorn: `gunicorn portal.wsgi:app`."""
from portal import create_app, rendering

app = create_app()
rendering.compile_templates(app)  # at start-up, not in each process's first requests
