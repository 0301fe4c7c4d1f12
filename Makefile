# CarbonMS — the two commands of the README, and a few helpers.
#   make demo [PORT=8000] [PYTHON=python3.11]   run the platform on the embedded default with the demo park
#   make test [PYTHON=python3.11] [TEST_WORKERS=auto]  the whole suite, over one process per CPU
#   make demo-reset                             forget the demo database and files (the next `make demo` rebuilds)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
PORT   ?= 8000
VENV   := .venv
BIN    := $(VENV)/bin
HASH   := $(shell cat pyproject.toml | md5sum | cut -c1-8)
STAMP_RUN  := $(VENV)/.installed-run-$(HASH)
STAMP_TEST := $(VENV)/.installed-test-$(HASH)
# What the platform itself needs from the system: CJK fonts and the Pango libraries of WeasyPrint (PDF reports).
SYSTEM_PACKAGES      := fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0
SYSTEM_TEST_PACKAGES := $(SYSTEM_PACKAGES) chromium

.PHONY: demo demo-reset test lint check messages clean system-deps system-test-deps

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "CarbonMS needs Python 3.11: make PYTHON=/path/to/python3.11"' \
	  || { echo "$(PYTHON) is not Python 3.11; run: make $(MAKECMDGOALS) PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)

# The platform's own dependencies (make demo)
$(STAMP_RUN): pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	rm -f $(VENV)/.installed-run-* && touch $(STAMP_RUN)

# ... and the tests' (make test, make check)
$(STAMP_TEST): $(STAMP_RUN)
	$(BIN)/pip install --quiet -e ".[test]"
	rm -f $(VENV)/.installed-test-* && touch $(STAMP_TEST)

STAMP := $(STAMP_TEST)

## make demo: install, migrate, load the demo park and serve it on http://127.0.0.1:$(PORT)
demo: $(STAMP_RUN) system-deps
	DEBUG=1 $(BIN)/carbonms demo --port $(PORT)

## make demo-reset: delete the demo's database and stored files under var/ (nothing else)
demo-reset:
	rm -rf var/

## make test: install what the tests need (chromium and CJK fonts when root) and run the whole suite, spread over
## TEST_WORKERS processes (pytest-xdist; default: one per CPU; TEST_WORKERS=0 runs in this process)
TEST_WORKERS ?= auto
test: $(STAMP_TEST) system-test-deps
	$(BIN)/pytest -n $(TEST_WORKERS) --durations=30

# Debian packages, installed only when missing and when we are root.
define apt_install
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null) \
	      || echo "could not install$$missing: $(2)"; \
	  else echo "not root: install$$missing yourself ($(2))"; fi; \
	fi
endef

system-deps:
	$(call apt_install,$(SYSTEM_PACKAGES),PDF reports need them)

system-test-deps:
	$(call apt_install,$(SYSTEM_TEST_PACKAGES),browser and PDF tests will skip or fail under CI=true)

lint: $(STAMP)
	$(BIN)/ruff check .

## make check: Django's checks, migrations up to date, lint
check: $(STAMP)
	DEBUG=1 $(BIN)/python manage.py check
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run
	DEBUG=0 SECRET_KEY=$$($(BIN)/python -c 'import secrets;print(secrets.token_urlsafe(50))') ALLOWED_HOSTS=carbon.example.org \
	  $(BIN)/python manage.py check --deploy --fail-level WARNING
	$(BIN)/ruff check .

## make messages: refresh and compile the translation catalogues of every app (needs gettext)
messages: $(STAMP)
	for app in carbonms/*/; do \
	  if [ -d "$$app/locale" ]; then (cd $$app && DEBUG=1 ../../$(BIN)/django-admin makemessages -l zh_Hans --no-obsolete --settings=carbonms.config.settings --pythonpath=../.. >/dev/null); fi; \
	done
	DEBUG=1 $(BIN)/python manage.py compilemessages -l zh_Hans --ignore=.venv >/dev/null

clean:
	rm -rf $(VENV) var/ .pytest_cache
