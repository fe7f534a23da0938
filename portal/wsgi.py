"""Entry point for gunicorn: `gunicorn portal.wsgi:app`."""
from portal import create_app, rendering, search
from portal.domain.risk import classifier

app = create_app()
rendering.compile_templates(app)  # at start-up, not in each process's first requests
search.build_indexes()  # the content search, once per process before the first request
classifier.warm_up()  # the risk detector's classifier, trained before anyone writes
