"""The `rag` command line as a user runs it (subprocesses, real index): the commands, and bad
input, which always gets one line, a non-zero exit code and never a traceback."""

import json
import shutil
import subprocess
import sys

import pytest

from helpers import CONTROL, CORPUS, assert_one_line_error, clean_environment, run_rag


@pytest.fixture(scope="module")
def cli_env(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli")
    shutil.copytree(CORPUS, root / "corpus")
    return clean_environment(RAG_DATA_DIR=root / "data", RAG_CORPUS_DIR=root / "corpus")


def test_help_imports_no_heavy_library():
    code = ("import sys, rag.cli\n"
            "rag.cli.build_parser().format_help()\n"
            "heavy = [m for m in ('torch', 'chromadb', 'gradio', 'langchain_core', 'sentence_transformers', "
            "'llama_cpp') if m in sys.modules]\n"
            "print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    result = run_rag("--help")
    assert result.returncode == 0 and "ingest" in result.stdout and "ask" in result.stdout


def test_ingest_then_noop_then_status_search_ask(cli_env):
    first = run_rag("ingest", env=cli_env)
    assert first.returncode == 0, first.stderr
    lines = first.stdout.splitlines()
    n_docs = len(list(CORPUS.rglob("*.md")))
    assert lines[0] == f"added {n_docs}, updated 0, unchanged 0, removed 0, failed 0"
    second = run_rag("ingest", env=cli_env)
    assert second.stdout.splitlines()[0] == f"added 0, updated 0, unchanged {n_docs}, removed 0, failed 0"

    status = run_rag("status", env=cli_env)
    assert status.returncode == 0
    assert f"documents: {n_docs}" in status.stdout and "all-MiniLM-L6-v2" in status.stdout
    assert "last ingest:" in status.stdout and "never" not in status.stdout

    search = run_rag("search", "How long did Optics Valley stick to fibre?", "-k", "3", "--json", env=cli_env)
    rows = json.loads(search.stdout)
    assert len(rows) == 3 and "optical fiber communication for twenty years" in rows[0]["text"]
    assert {"score", "doc_id", "section", "start", "end", "text"} <= set(rows[0])

    ask = run_rag("ask", "How long did Wuhan's Optics Valley stick to optical fiber communication?", "--mode",
                  "extractive", "--json", env=cli_env)
    assert ask.returncode == 0, ask.stderr
    data = json.loads(ask.stdout)
    assert "twenty years" in data["answer"] and data["citations"][0]["doc_id"].endswith(".md")

    plain = run_rag("ask", "What is the population of Nanjing?", "--mode", "extractive", env=cli_env)
    assert plain.returncode == 0 and plain.stdout.startswith("The documents don't say")


def test_failed_file_makes_ingest_exit_non_zero(cli_env, tmp_path):
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    result = run_rag("ingest", str(bad), env=cli_env)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0].endswith("failed 1")
    assert "empty file" in result.stdout and "Traceback" not in result.stderr


@pytest.mark.parametrize("args, env, needle, code", [
    (["ask", ""], {}, "error: the question is empty", 2),
    (["ask", "   "], {}, "error: the question is empty", 2),
    (["ask", "\t\n"], {}, "error: the question is empty", 2),
    (["ask", "Why Hangzhou?", "--mode", "extractive", "-k", "0"], {},
     "error: k (number of passages) must be between 1 and 50", 2),
    (["search", ""], {}, "error: the query is empty", 2),
    (["search", "Hefei", "-k", "1000"], {}, "error: -k must be between 1 and 100", 2),
    (["ingest", "/nonexistent/folder"], {}, "no such file or folder", 1),
    (["ask", "Why Hefei?"], {"RAG_K": "abc"}, "RAG_K='abc' is not a valid int", 2),
    (["ask", "Why Hefei?"], {"RAG_MODE": "bogus"}, "RAG_MODE='bogus'", 2),
    (["ingest"], {"RAG_MAX_FILE_MB": "lots"}, "RAG_MAX_FILE_MB", 2),
    (["ask", "Why Hefei?"], {"RAG_CHROMA_PORT": "80a"}, "RAG_CHROMA_PORT", 2),
    (["ask", "Why Hefei?", "--mode", "bogus"], {}, "invalid choice: 'bogus'", 2),
    (["ask", "Why Hefei?", "-k", "many"], {}, "invalid int value", 2),
    (["search"], {}, "required: query", 2),
    (["frobnicate"], {}, "invalid choice", 2),
    (["eval", "--dataset", "/nonexistent.jsonl"], {}, "does not exist", 2),
])
def test_bad_input_gets_one_line_and_non_zero_exit(corpus_index, tmp_path, args, env, needle, code):
    data = tmp_path / "data" if args[0] == "ingest" else corpus_index.data_dir  # never write the shared index
    result = run_rag(*args, env=clean_environment(RAG_DATA_DIR=data, RAG_CORPUS_DIR=corpus_index.corpus_dir, **env),
                     timeout=120)
    assert_one_line_error(result, needle, code)


def test_without_index_says_run_ingest(tmp_path):
    env = clean_environment(RAG_DATA_DIR=tmp_path / "nothing", RAG_CORPUS_DIR=tmp_path)
    for args in (["ask", "Why Hangzhou?"], ["status"], ["search", "Hefei"]):
        result = run_rag(*args, env=env, timeout=120)
        assert_one_line_error(result, "run `rag ingest` first", 2)
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    result = run_rag("remove", "a.md", env=env, timeout=120)
    assert_one_line_error(result, "no document 'a.md' in the index", 2)


def test_very_long_hostile_question_is_answered_with_a_notice(corpus_index):
    question = ("How long did Optics Valley stick to fibre?\x1b[2J\u202e " + "lorem ipsum dolor " * 1200)[:20_000]
    result = run_rag("ask", question, env=clean_environment(RAG_DATA_DIR=corpus_index.data_dir,
                                                            RAG_CORPUS_DIR=corpus_index.corpus_dir,
                                                            RAG_MODE="extractive"))
    assert result.returncode == 0, result.stderr
    assert "note: the question was cut to its first 2000 characters" in result.stderr
    assert result.stdout.strip() and "Traceback" not in result.stdout + result.stderr
    assert not CONTROL.search(result.stdout)


def test_chat_follow_up_in_the_terminal(cli_env):
    run_rag("ingest", env=cli_env)
    session = run_rag("chat", "--mode", "extractive", env=cli_env,
                      input="Why did DeepSeek appear in Hangzhou?\nAnd what about Hefei?\n\n")
    assert session.returncode == 0, session.stderr
    answers = session.stdout.split("> ")
    assert len(answers) >= 3
    assert "Hangzhou" in answers[1] and "Sources:" in answers[1]
    assert "Hefei" in answers[2] and "[1]" in answers[2]
