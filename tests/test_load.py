"""Load: 20 concurrent users of the UI's /ask endpoint (slow).

Every request must be answered, the same question must get the same answer for every user, and
an unanswerable question must stay refused. The figures go to tests/artifacts/load_test.json and
docs/RELIABILITY.md; nothing here asserts a speed.
"""

from __future__ import annotations

import json
import os
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor, wait

import pytest

from helpers import ARTIFACTS, serve_ui

OPTICS = "How long did Wuhan's Optics Valley stick to optical fiber communication?"


@pytest.fixture(scope="module")
def corpus_ui(corpus_index):
    """The UI over the corpus index, extractive."""
    with serve_ui(corpus_index, RAG_MODE="extractive") as server:
        yield server


@pytest.mark.slow
def test_twenty_concurrent_users(corpus_ui):
    from gradio_client import Client

    questions = [OPTICS, "What did Hefei do to become an innovation hub?",
                 "What is the G60 Science and Innovation Corridor?", "Why did DeepSeek appear in Hangzhou?",
                 "Who is the mayor of Hangzhou?"]
    users, per_user, budget = 20, 3, 300.0
    latencies, errors, answers = [], [], {}
    lock = threading.Lock()
    stop = threading.Event()

    def user(i: int) -> None:
        try:
            client = Client(corpus_ui.url, verbose=False)
        except Exception as err:  # noqa: BLE001  (counted, reported)
            with lock:
                errors.append(f"connect: {type(err).__name__}: {err}")
            return
        for j in range(per_user):
            if stop.is_set():
                return
            question = questions[(i + j) % len(questions)]
            started = time.monotonic()
            try:
                result = client.predict(question, api_name="/ask")
                with lock:
                    latencies.append(time.monotonic() - started)
                    answers.setdefault(question, set()).add(result["answer"])
            except Exception as err:  # noqa: BLE001
                with lock:
                    errors.append(f"{type(err).__name__}: {str(err)[:200]}")

    Client(corpus_ui.url, verbose=False).predict(OPTICS, api_name="/ask")  # warm-up is not measured
    started = time.monotonic()
    with ThreadPoolExecutor(users) as pool:
        futures = [pool.submit(user, i) for i in range(users)]
        done, not_done = wait(futures, timeout=budget)
        stop.set()
    wall = time.monotonic() - started
    latencies.sort()
    figures = {"users": users, "requests": users * per_user, "ok": len(latencies), "errors": len(errors),
               "wall_s": round(wall, 1), "p50_s": round(statistics.median(latencies), 2) if latencies else None,
               "p95_s": round(latencies[max(0, int(len(latencies) * 0.95) - 1)], 2) if latencies else None,
               "max_s": round(latencies[-1], 2) if latencies else None, "cpus": os.cpu_count()}
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "load_test.json").write_text(json.dumps({**figures, "error_samples": errors[:5]}, indent=2))
    print(f"\nload test: {figures}")
    assert not not_done, f"not finished within {budget} s"
    assert not errors, errors[:5]
    assert len(latencies) == users * per_user
    assert all(len(texts) == 1 for texts in answers.values()), "the same question got different answers"
    assert any(text.startswith("The documents don't say") for text in answers["Who is the mayor of Hangzhou?"])
