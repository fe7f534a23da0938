# Two commands matter: `make run` (set up everything, start everything) and `make test`.
SHELL := /bin/bash
CACHE_DIR ?= $(HOME)/.cache/mhisf
PYTHON311 ?= python3.11
PYTHON310 ?= python3.10
export CACHE_DIR PYTHON311 PYTHON310

VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app portal
PYBABEL := $(VENV)/bin/pybabel

include chatbot/chatbot.mk

.PHONY: help run test test-fast test-postgres setup venv assets db system-deps lint eval-safety \
        i18n-extract i18n-update i18n-compile i18n-check i18n-status benchmarks benchmark-insights benchmark-load \
        benchmark-chat clean

help:
	@echo "make run    set up everything and start the portal and the assistant"
	@echo "make test   install what the tests need and run the whole suite"

## Set-up steps (each is quick when nothing changed)
venv:
	@scripts/ensure-portal-venv

assets: venv
	@scripts/ensure-assets

db: venv
	@$(FLASK) demo-data --if-empty

system-deps:
	@scripts/ensure-system-deps

setup: venv assets i18n-compile db chatbot-model

## Run: portal on 127.0.0.1:5000, Rasa + action server, local SMTP and the outbox sender
run: setup
	@scripts/run-all

## Tests
test: venv assets lint i18n-check i18n-compile system-deps chatbot-model
	$(PY) -m pytest -p no:randomly $(PYTEST_ARGS)

lint: venv
	@$(VENV)/bin/ruff check --quiet . && echo "ruff: clean"

# Recall and false alarms of the risk detector on held-out examples, per language and layer
# (patterns, classifier, both, and the whole chat with the real assistant).
eval-safety: venv i18n-compile chatbot-model
	$(PY) -m tests.safety.evaluate --whole-chat --cv

test-fast: venv assets i18n-compile
	$(PY) -m pytest -m "not browser and not chatbot" $(PYTEST_ARGS)

# The database-backed tests again on a throw-away PostgreSQL cluster (installs it if missing).
test-postgres: venv assets i18n-compile
	@scripts/with-throwaway-postgres $(PY) -m pytest -m "not browser and not chatbot" $(PYTEST_ARGS)

# Scale-out on loopback: two portal hosts behind HAProxy, PostgreSQL, Redis, two outbox
# senders, two Rasa servers (tests/scaleout/topology.py). The demo runs until Ctrl-C.
.PHONY: scale-out-demo test-scale-out
scale-out-demo: venv assets i18n-compile chatbot-model
	@scripts/ensure-scale-out-deps
	@scripts/with-throwaway-postgres $(PY) -m tests.scaleout.topology

test-scale-out: venv assets i18n-compile chatbot-model
	@scripts/ensure-scale-out-deps
	scripts/with-throwaway-postgres $(PY) -m pytest -p no:randomly -m scaleout tests/scaleout $(PYTEST_ARGS)

benchmarks: venv assets
	$(PY) benchmarks/pages.py

# The whole service under load (50 users, 60 s a phase), SQLite then PostgreSQL; page weight.
benchmark-load: venv assets
	$(PY) benchmarks/load.py
	scripts/with-throwaway-postgres $(PY) benchmarks/load.py --postgres
	$(PY) benchmarks/page_weight.py

# The assistant through the portal: round trip at 1 and 10 conversations, memory, model size, training time.
benchmark-chat: venv assets i18n-compile chatbot-model
	$(PY) benchmarks/chat.py

# The commissioners' dashboard with 100,000 clients and 1,000,000 responses, SQLite then PostgreSQL.
benchmark-insights: venv assets
	$(PY) benchmarks/insights.py
	scripts/with-throwaway-postgres $(PY) benchmarks/insights.py --postgres

## Translations (Babel catalogs in translations/)
i18n-extract: venv
	@$(PYBABEL) extract -F babel.cfg -k _l -k lazy_gettext -k N_ --omit-header --sort-output --add-location=file \
		--no-wrap -o translations/messages.pot portal >/dev/null 2>&1

i18n-update: i18n-extract
	@for po in translations/*/LC_MESSAGES/messages.po; do \
		[ -e "$$po" ] || continue; \
		$(PYBABEL) update --no-wrap -i translations/messages.pot -d translations \
			-l "$$(basename $$(dirname $$(dirname $$po)))"; \
	done

i18n-compile: venv
	@for po in translations/*/LC_MESSAGES/messages.po; do \
		[ -e "$$po" ] || continue; \
		$(PYBABEL) compile -i "$$po" -o "$${po%.po}.mo" >/dev/null || exit 1; \
	done

i18n-check: venv
	@$(PY) scripts/i18n_check.py

i18n-status: venv
	@$(PY) scripts/i18n_status.py

clean:
	rm -rf portal/static/dist instance node_modules
	rm -f $(VENV)
