# Developer commands for wagtail-kanskaart.
#
#   make demo    set up .venv, load the demo data and run the example site
#   make test    lint, check translations and migrations, run the test suite
#
# Needs Python 3.11 or newer with venv (Debian: python3 python3-venv) and
# GNU gettext (Debian: gettext) for the translation checks.
# The widget (widget/) needs Node.js 20 or newer with npm, and its browser
# tests need Debian's Chromium (apt-get install chromium).

PYTHON ?= python3
VENV ?= .venv
PORT ?= 8000
# The demo's stand-in for a municipality's own website, with the widget.
HOST_PORT ?= 8001
PYTEST_ARGS ?=

BIN := $(VENV)/bin
# For commands that run in another directory.
VENV_PYTHON := $(abspath $(BIN))/python
MANAGE := $(BIN)/python example_site/manage.py
# Django commands that need no example-site database run with the test
# settings, whose SQLite database lives in memory.
DJANGO_TEST := PYTHONPATH=.:example_site DJANGO_SETTINGS_MODULE=tests.settings $(BIN)/python -m django
LOCALE_DIR := wagtail_kanskaart/locale
# Written after a successful install. pip runs again only when pyproject.toml
# is newer than this file, which keeps a second `make test` fast.
INSTALLED := $(VENV)/.kanskaart-installed

.PHONY: help demo test lint format check-messages check-migrations messages install

help:
	@echo "make demo      run the example site with demo data on 127.0.0.1:$(PORT)"
	@echo "make test      ruff, translation and migration checks, then pytest"
	@echo "make lint      ruff check and ruff format --check"
	@echo "make format    ruff format and ruff check --fix"
	@echo "make messages  update and compile the nl catalogue"
	@echo "make widget    rebuild the widget from widget/src"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { \
		echo "Python 3.11 or newer is needed; '$(PYTHON)' is older." \
		     "Run e.g. 'make $(MAKECMDGOALS) PYTHON=python3.12'." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test,production]"
	@touch $@

install: $(INSTALLED)

demo: $(INSTALLED)
	$(MANAGE) migrate --noinput
	$(MANAGE) kanskaart_demo --port $(PORT) --embed-origin http://127.0.0.1:$(HOST_PORT)
	@# No collectstatic: with DEBUG on (the example site's default),
	@# runserver serves static files straight from the installed apps.
	@echo
	@echo "The example site runs at http://127.0.0.1:$(PORT)/"
	@echo "  Roosendaal:        http://127.0.0.1:$(PORT)/roosendaal/"
	@echo "  request form:      http://127.0.0.1:$(PORT)/roosendaal/kans/"
	@echo "  Bergen op Zoom:    http://127.0.0.1:$(PORT)/bergen-op-zoom/"
	@echo "  Wagtail admin:     http://127.0.0.1:$(PORT)/admin/"
	@echo "                     user admin, password kanskaart-demo"
	@echo "                     editors redacteur-roosendaal and redacteur-bergen,"
	@echo "                     password kanskaart-demo"
	@echo "  widget on another website, under a strict CSP:"
	@echo "                     http://127.0.0.1:$(HOST_PORT)/"
	@echo "E-mails are printed here. Stop the servers with Ctrl+C."
	@echo
	@# The host page server runs in the background and stops with runserver.
	$(BIN)/python example_site/host_site/server.py --port $(HOST_PORT) \
		--api http://127.0.0.1:$(PORT) & host_site=$$!; \
	trap 'kill $$host_site 2>/dev/null' EXIT INT TERM; \
	WAGTAILADMIN_BASE_URL=http://127.0.0.1:$(PORT) $(MANAGE) runserver 127.0.0.1:$(PORT)

test: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@$(MAKE) --no-print-directory check-messages
	@$(MAKE) --no-print-directory check-migrations
	@$(MAKE) --no-print-directory check-widget widget-test widget-size
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(INSTALLED)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check-migrations: $(INSTALLED)
	$(DJANGO_TEST) makemigrations wagtail_kanskaart --check --dry-run

# Two checks per catalogue:
# 1. the committed .mo is what msgfmt makes of the committed .po, compared
#    after decompiling both with msgunfmt, so layout differences between
#    gettext versions do not count;
# 2. the .po is current: every msgid that makemessages finds in the code
#    and templates has a translation that is not fuzzy (msgcmp).
check-messages: $(INSTALLED)
	@command -v msgfmt >/dev/null || { \
		echo "msgfmt not found: install GNU gettext (Debian: apt-get install gettext)." >&2; \
		exit 1; }
	@set -e; \
	catalogues=$$(ls $(LOCALE_DIR)/*/LC_MESSAGES/django.po 2>/dev/null || true); \
	if [ -z "$$catalogues" ]; then \
		echo "check-messages: SKIPPED, no catalogue in $(LOCALE_DIR) yet."; \
		exit 0; \
	fi; \
	tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	for po in $$catalogues; do \
		mo=$${po%.po}.mo; \
		if [ ! -f "$$mo" ]; then \
			echo "$$mo is missing. Run 'make messages' and commit it." >&2; exit 1; \
		fi; \
		msgfmt --check-format -o "$$tmp/fresh.mo" "$$po"; \
		msgunfmt "$$tmp/fresh.mo" > "$$tmp/fresh.txt"; \
		msgunfmt "$$mo" > "$$tmp/committed.txt"; \
		if ! diff -u "$$tmp/committed.txt" "$$tmp/fresh.txt" > "$$tmp/mo.diff"; then \
			head -40 "$$tmp/mo.diff" >&2; \
			echo "$$mo does not match $$po. Run 'make messages' and commit both." >&2; \
			exit 1; \
		fi; \
	done; \
	cp -r wagtail_kanskaart "$$tmp/package"; \
	(cd "$$tmp/package" && DJANGO_SETTINGS_MODULE= $(VENV_PYTHON) -m django \
		makemessages --all --no-obsolete --add-location file -v 0); \
	for po in $$catalogues; do \
		fresh="$$tmp/package/$${po#wagtail_kanskaart/}"; \
		if ! msgcmp "$$po" "$$fresh" 2> "$$tmp/msgcmp.txt"; then \
			grep -v -e 'this message is not used' -e 'used but not defined' \
				"$$tmp/msgcmp.txt" | head -20 >&2; \
			grep 'used but not defined' "$$tmp/msgcmp.txt" | head -20 \
				| sed -E 's/^[^:]*:([0-9]+):.*/\1/' \
				| while read -r line; do \
					awk -v n="$$line" -v po="$$po" \
						'NR < n && /^msgid /{buf = ""; on = 1} \
						 NR < n && on {buf = buf " " $$0} \
						 NR == n {print "missing in " po ":" buf; exit}' "$$fresh" >&2; \
				done; \
			echo "$$po is stale: the messages above are missing, untranslated" \
			     "or fuzzy. Run 'make messages', translate, and commit." >&2; \
			exit 1; \
		fi; \
	done; \
	echo "check-messages: the catalogues are compiled and current."

# Update the catalogues from the code and templates, then compile them.
messages: $(INSTALLED)
	cd wagtail_kanskaart && DJANGO_SETTINGS_MODULE= $(VENV_PYTHON) -m django \
		makemessages --locale nl --no-obsolete --add-location file
	cd wagtail_kanskaart && DJANGO_SETTINGS_MODULE= $(VENV_PYTHON) -m django \
		compilemessages --locale nl

# --- The embeddable widget (widget/) ----------------------------------------
# widget/src is built into wagtail_kanskaart/static/wagtail_kanskaart/
# kanskaart-form.js, which is committed so that the Python package ships it.
# `npm ci` installs the pinned dev dependencies (esbuild, axe-core).

NPM ?= npm
NODE ?= node
WIDGET_DEPS := widget/node_modules/.package-lock.json

.PHONY: widget check-widget widget-test widget-size

$(WIDGET_DEPS): widget/package.json widget/package-lock.json
	@command -v $(NPM) >/dev/null || { \
		echo "npm not found: install Node.js 20 or newer with npm." >&2; exit 1; }
	cd widget && $(NPM) ci --no-audit --no-fund
	@touch $@

# Rebuild the committed kanskaart-form.js from widget/src.
widget: $(WIDGET_DEPS)
	cd widget && $(NODE) scripts/build.mjs

# Fail when the committed kanskaart-form.js is not a fresh build of widget/src.
check-widget: $(WIDGET_DEPS)
	cd widget && $(NODE) scripts/build.mjs --check

widget-test: $(WIDGET_DEPS)
	cd widget && $(NODE) --test test/

# Print the built widget's gzipped size; fail above the 12 kB budget.
widget-size: $(INSTALLED)
	$(BIN)/python bench/widget_size.py
