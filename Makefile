# CarbonMS — the two commands of the README, and a few helpers.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | md5sum | cut -c1-8)

.PHONY: demo test lint check messages clean system-test-deps

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	rm -f $(VENV)/.installed-* && touch $(STAMP)

## make demo: install, migrate, load the demo park and serve it on http://127.0.0.1:8000
demo: $(STAMP)
	DEBUG=1 $(BIN)/carbonms demo

## make test: install what the tests need (chromium and CJK fonts when root) and run the whole suite
test: $(STAMP) system-test-deps
	$(BIN)/pytest

# Debian's chromium and fonts for the browser tests; installed only when missing and when we are root.
system-test-deps:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null) \
	      || echo "could not install chromium/fonts-noto-cjk: browser tests will skip (or fail under CI=true)"; \
	  else echo "not root: install chromium and fonts-noto-cjk yourself for the browser tests"; fi; \
	fi

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
