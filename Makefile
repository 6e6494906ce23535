# One-command setup and run. Everything lives in .venv inside the repo.
# `make run`  : set up, ingest corpus/, open the chat in a browser (http://127.0.0.1:7860)
# `make test` : set up (with test tools and Chromium), then run the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check -q
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export GRADIO_ANALYTICS_ENABLED := False
export ANONYMIZED_TELEMETRY := False

.PHONY: setup setup-test run ingest test test-fast eval bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# CPU torch first (it is on this disk; a plain `torch` would pull a multi-GB CUDA build),
# then the project with pinned versions. Re-runs only when pyproject or the pins change.
$(VENV)/.setup-stamp: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) install --upgrade pip
	$(BIN)/python -c "import torch" 2>/dev/null || $(PIP) install torch==2.13.0
	$(PIP) install -c constraints.txt -e '.[llm]'
	touch $@

$(VENV)/.test-stamp: $(VENV)/.setup-stamp
	$(PIP) install -c constraints.txt -e '.[llm,test]'
# Chromium for the browser tests; fonts-noto-cjk so that Chinese shows as glyphs, not boxes
	(command -v chromium >/dev/null && dpkg -s fonts-noto-cjk >/dev/null 2>&1) || \
		(apt-get update -q && apt-get install -y -q chromium fonts-noto-cjk)
	touch $@

setup: $(VENV)/.setup-stamp

setup-test: $(VENV)/.test-stamp

ingest: setup
	$(BIN)/rag ingest

run: ingest
	$(BIN)/python ui.py

test: setup-test
	$(BIN)/python -m pytest -v

test-fast: setup-test
	$(BIN)/python -m pytest -m "not slow"

eval: ingest
	$(BIN)/rag eval --out eval/report

bench: ingest
	$(BIN)/rag bench --out bench

clean:
	rm -rf $(VENV) .rag
