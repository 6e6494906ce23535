"""The `rag` command line as a user runs it (subprocesses, real index)."""

import json
import os
import shutil
import subprocess
import sys

import pytest

from conftest import CORPUS


def rag(*args, env=None, timeout=300):
    return subprocess.run([sys.executable, "-m", "rag", *args], capture_output=True, text=True, timeout=timeout,
                          env=env)


@pytest.fixture(scope="module")
def cli_env(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli")
    shutil.copytree(CORPUS, root / "corpus")
    env = dict(os.environ, RAG_DATA_DIR=str(root / "data"), RAG_CORPUS_DIR=str(root / "corpus"))
    return env


def test_help_imports_no_heavy_library():
    code = ("import sys, rag.cli\n"
            "rag.cli.build_parser().format_help()\n"
            "heavy = [m for m in ('torch', 'chromadb', 'gradio', 'langchain_core', 'sentence_transformers', "
            "'llama_cpp') if m in sys.modules]\n"
            "print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    result = rag("--help")
    assert result.returncode == 0 and "ingest" in result.stdout and "ask" in result.stdout


def test_ingest_then_noop_then_status_search_ask(cli_env):
    first = rag("ingest", env=cli_env)
    assert first.returncode == 0, first.stderr
    lines = first.stdout.splitlines()
    n_docs = len(list(CORPUS.rglob("*.md")))
    assert lines[0] == f"added {n_docs}, updated 0, unchanged 0, removed 0, failed 0"
    second = rag("ingest", env=cli_env)
    assert second.stdout.splitlines()[0] == f"added 0, updated 0, unchanged {n_docs}, removed 0, failed 0"

    status = rag("status", env=cli_env)
    assert status.returncode == 0
    assert f"documents: {n_docs}" in status.stdout and "all-MiniLM-L6-v2" in status.stdout
    assert "last ingest:" in status.stdout and "never" not in status.stdout

    search = rag("search", "How long did Optics Valley stick to fibre?", "-k", "3", "--json", env=cli_env)
    rows = json.loads(search.stdout)
    assert len(rows) == 3 and "optical fiber communication for twenty years" in rows[0]["text"]
    assert {"score", "doc_id", "section", "start", "end", "text"} <= set(rows[0])

    ask = rag("ask", "How long did Wuhan's Optics Valley stick to optical fiber communication?", "--mode",
              "extractive", "--json", env=cli_env)
    assert ask.returncode == 0, ask.stderr
    data = json.loads(ask.stdout)
    assert "twenty years" in data["answer"] and data["citations"][0]["doc_id"].endswith(".md")

    plain = rag("ask", "What is the population of Nanjing?", "--mode", "extractive", env=cli_env)
    assert plain.returncode == 0 and plain.stdout.startswith("The documents don't say")


def test_failed_file_makes_ingest_exit_non_zero(cli_env, tmp_path):
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    result = rag("ingest", str(bad), env=cli_env)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0].endswith("failed 1")
    assert "empty file" in result.stdout and "Traceback" not in result.stderr


@pytest.mark.parametrize("args,needle", [
    (["ask", ""], "empty"),
    (["ask", "Why Hangzhou?", "--mode", "local", "-k", "0"], "k"),
])
def test_bad_input_one_line_no_traceback(cli_env, args, needle):
    result = rag(*args, env=cli_env)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    assert needle in result.stderr.lower()


def test_no_index_says_run_ingest(tmp_path):
    env = dict(os.environ, RAG_DATA_DIR=str(tmp_path / "nothing"), RAG_CORPUS_DIR=str(tmp_path))
    result = rag("ask", "Why Hangzhou?", env=env)
    assert result.returncode == 2
    assert "rag ingest" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_chat_follow_up_in_the_terminal(cli_env):
    rag("ingest", env=cli_env)
    session = subprocess.run([sys.executable, "-m", "rag", "chat", "--mode", "extractive"], capture_output=True,
                             text=True, env=cli_env, timeout=300,
                             input="Why did DeepSeek appear in Hangzhou?\nAnd what about Hefei?\n\n")
    assert session.returncode == 0, session.stderr
    answers = session.stdout.split("> ")
    assert len(answers) >= 3
    assert "Hangzhou" in answers[1] and "Sources:" in answers[1]
    assert "Hefei" in answers[2] and "[1]" in answers[2]
