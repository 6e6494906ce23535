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

# llama.cpp is built from source. Built for every instruction set of the building CPU (its default,
# GGML_NATIVE) it crashed on an AVX-512 machine (general protection fault in libggml-cpu on a
# 300-token prompt), so it is built for AVX2, and never taken from pip's wheel cache, which may hold
# such a native build.
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_AVX512=OFF

# CPU torch first (it is on this disk; a plain `torch` would pull a multi-GB CUDA build), the
# portable llama.cpp build, then the project with pinned versions. Re-runs only when pyproject or
# the pins change.
$(VENV)/.setup-stamp: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) install --upgrade pip
	$(BIN)/python -c "import torch" 2>/dev/null || $(PIP) install torch==2.13.0
	test -f $(VENV)/.llama-avx2 || (CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(PIP) install --no-cache-dir \
		--force-reinstall -c constraints.txt 'llama-cpp-python[server]' && touch $(VENV)/.llama-avx2)
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
