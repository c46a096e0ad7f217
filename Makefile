# 数安 (shuan) — the two commands of the quick start are `make demo` and `make test`.
PY ?= $(shell command -v python3.11 || command -v python3.12 || command -v python3.13 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: venv demo test lint unit services system-deps bench clean

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[dev]'
	@# an editable install is not byte-compiled (pip compiles what it copies): do it, or every command
	@# compiles the package afresh where writing bytecode is off (PYTHONDONTWRITEBYTECODE)
	$(BIN)/python -m compileall -q src >/dev/null
	@touch $(STAMP)

venv: $(STAMP)

demo: venv
	$(BIN)/shuan demo --console

lint: venv
	$(BIN)/ruff check src tests bench tools
	$(BIN)/mypy

# The integration tests need the PostgreSQL and MariaDB servers on this machine: start them if down.
services:
	@bash tools/ensure_services.sh

# PDF reports (and later the browser tests) need Debian's chromium and a Chinese font.
system-deps:
	@command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi "wenquanyi\|noto sans cjk" || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; }

unit: venv
	$(BIN)/pytest -q

test: venv lint services system-deps
	$(BIN)/pytest -q

bench: venv
	@command -v rg >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq ripgrep; }
	bash bench/run_all.sh

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
