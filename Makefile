# The two commands: `make run` (fresh machine to a running server with demo data) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install system-deps migrate demo serve e2e bench clean messages pdf-samples

$(BIN)/liudong: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(BIN)/liudong

install: $(BIN)/liudong

system-deps:
	bash scripts/system-deps.sh

migrate: install
	$(BIN)/liudong migrate --no-input -v0
	$(BIN)/liudong collectstatic --no-input -v0

demo: migrate
	$(BIN)/liudong demo --if-empty

run: system-deps demo
	@echo "Liudong: http://$(HOST):$(PORT)/  (demo logins printed above; password for all: see README)"
	$(BIN)/liudong serve $(HOST):$(PORT)

test: system-deps install
	LIUDONG_ENV=test $(BIN)/python -m pytest $(PYTEST_ARGS)

bench: install
	$(BIN)/python bench/divisions.py
	$(BIN)/python bench/registry.py
	$(BIN)/python bench/exchange.py
	$(BIN)/python bench/registers.py
	$(BIN)/python bench/permits.py
	$(BIN)/python bench/reports.py
	$(BIN)/python bench/desk.py
	$(BIN)/python bench/certificates.py
	$(BIN)/python bench/technical.py
	$(BIN)/python bench/quality.py

# Page 1 of every printed document, from the demo county, as PNGs in docs/pdfs/ (README, certificates).
pdf-samples: install
	$(BIN)/python scripts/render_pdf_samples.py

messages: install
	cd src/liudong && ../../$(BIN)/liudong makemessages -l zh_Hans -l en && ../../$(BIN)/liudong compilemessages

clean:
	rm -rf $(VENV) liudong.sqlite3* var
