# Two commands do all the set-up: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
EXTRAS ?= dev
WHEELS := $(wildcard /opt/wheels)

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@if command -v uv >/dev/null 2>&1; then \
		uv pip install --python $(BIN)/python $(if $(WHEELS),--find-links $(WHEELS)) -e '.[$(EXTRAS)]'; \
	else \
		$(BIN)/python -m pip install --quiet --upgrade pip && \
		$(BIN)/python -m pip install --quiet $(if $(WHEELS),--find-links $(WHEELS)) -e '.[$(EXTRAS)]'; \
	fi
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/synthforge run examples/quickstart.yaml --out runs/quickstart

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	$(BIN)/python bench/engine.py

clean:
	rm -rf $(VENV) runs .pytest_cache .ruff_cache
