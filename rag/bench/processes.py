"""Child processes for the benchmark and the tests: free ports, waiting for a server, stopping
it, and running a command with its wall time and peak memory.

Only the standard library is imported here, so ``tests/helpers.py`` can use these without
loading anything heavy.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from rag.errors import RagError


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port: int) -> bool:
    """True when something accepts connections on 127.0.0.1:``port``."""
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def wait_for_port(port: int, timeout: float = 60.0, process=None) -> None:
    """Wait until something accepts connections on 127.0.0.1:``port``.

    Args:
        port: the port.
        timeout: seconds to wait at most.
        process: the ``Popen`` expected to listen; its exit ends the wait at once.

    Raises:
        RagError: the process exited first, or nothing listened in time.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RagError(f"the process exited with code {process.returncode} before listening on port {port}")
        if port_open(port):
            return
        time.sleep(0.1)
    raise RagError(f"nothing listens on 127.0.0.1:{port} after {timeout:.0f} s")


def wait_for_http(url: str, timeout: float = 60.0, process=None) -> float:
    """Wait until ``url`` answers HTTP 200.

    Args:
        url: the page to fetch.
        timeout: seconds to wait at most.
        process: the ``Popen`` serving it; its exit ends the wait at once.

    Returns:
        The seconds waited.

    Raises:
        RagError: the process exited first, or no 200 came in time.
    """
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if process is not None and process.poll() is not None:
            raise RagError(f"the process exited with code {process.returncode} before serving {url}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return time.monotonic() - started
        except OSError:
            pass
        time.sleep(0.1)
    raise RagError(f"{url} did not answer HTTP 200 within {timeout:.0f} s")


def stop_process(process, grace: float = 15.0) -> None:
    """Terminate a child process, wait up to ``grace`` seconds, then kill it.

    Args:
        process: a ``subprocess.Popen`` (or None); one that has already exited is left alone.
        grace: seconds between SIGTERM and SIGKILL.
    """
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(grace)


@contextlib.contextmanager
def serving(command: list[str], port: int, timeout: float = 60.0, **popen):
    """Run a server command until the block ends.

    Args:
        command: the command line; it must listen on 127.0.0.1:``port``.
        port: the port to wait for.
        timeout: seconds to wait for the port.
        **popen: passed to ``subprocess.Popen`` (stdout and stderr default to DEVNULL).

    Yields:
        The ``Popen``, once the port accepts connections; it is stopped afterwards.
    """
    popen.setdefault("stdout", subprocess.DEVNULL)
    popen.setdefault("stderr", subprocess.DEVNULL)
    process = subprocess.Popen(command, **popen)
    try:
        wait_for_port(port, timeout, process)
        yield process
    finally:
        stop_process(process)


def venv_command(name: str) -> str:
    """The path of a console script installed next to this Python (``chroma``, ``rag`` ...).

    Raises:
        RagError: it is not installed.
    """
    script = Path(sys.executable).with_name(name)
    found = str(script) if script.exists() else shutil.which(name)
    if not found:
        raise RagError(f"the `{name}` command is not installed next to this Python")
    return found


def chroma_command(path: Path, port: int) -> list[str]:
    """The ``chroma run`` command line for a server on 127.0.0.1:``port`` over ``path``."""
    return [venv_command("chroma"), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)]


def rag_command() -> list[str]:
    """How to start the ``rag`` command of this install."""
    try:
        return [venv_command("rag")]
    except RagError:
        return [sys.executable, "-m", "rag"]


def clean_environment(**variables) -> dict:
    """This process's environment without ``RAG_*`` variables, offline, plus ``variables``.

    Args:
        **variables: extra variables (values are turned into strings; None leaves one out).

    Returns:
        An environment for a child process that is configured only by what is given here.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAG_")}
    env.update({"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false",
                "ANONYMIZED_TELEMETRY": "False", "GRADIO_ANALYTICS_ENABLED": "False"})
    env.update({k: str(v) for k, v in variables.items() if v is not None})
    return env


_MEASURE = """
import json, os, subprocess, sys, time
started = time.perf_counter()
child = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(child.pid, 0)
seconds = time.perf_counter() - started
peak = usage.ru_maxrss / (1048576 if sys.platform == "darwin" else 1024)
with open(sys.argv[1], "w") as out:
    json.dump({"seconds": seconds, "peak_rss_mb": peak}, out)
sys.exit(os.waitstatus_to_exitcode(status) & 0xFF)
"""


def run_measured(command: list[str], env: dict, timeout: float = 600, cwd=None) -> dict:
    """Run a command to completion: wall time, exit code, peak RSS and output.

    The command is started by a small Python wrapper that waits for it with ``wait4``: a child
    forked straight from this (large) process would report this process's peak RSS as its own
    (Linux carries the parent's high-water mark across fork/vfork and exec).

    Args:
        command: the command line.
        env: its environment.
        timeout: seconds before the command (and its children) are killed.
        cwd: its working folder.

    Returns:
        ``{"exit": int | None (None: timed out), "seconds", "peak_rss_mb", "stdout", "stderr"}``.
    """
    with tempfile.TemporaryDirectory(prefix="rag-measure-") as tmp:
        report = Path(tmp) / "usage.json"
        with open(Path(tmp) / "out", "w+b") as out, open(Path(tmp) / "err", "w+b") as err:
            wrapper = subprocess.Popen([sys.executable, "-c", _MEASURE, str(report), *command], stdout=out,
                                       stderr=err, stdin=subprocess.DEVNULL, env=env, cwd=cwd,
                                       start_new_session=True)
            try:
                code = wrapper.wait(timeout)
            except BaseException:  # timeout or Ctrl-C: stop the wrapper and the command it started
                code = None
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(wrapper.pid, signal.SIGKILL)
                wrapper.wait()
                if not isinstance(sys.exc_info()[1], subprocess.TimeoutExpired):
                    raise
            out.seek(0)
            err.seek(0)
            stdout, stderr = out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace")
        usage = json.loads(report.read_text()) if report.exists() else {"seconds": float(timeout), "peak_rss_mb": 0.0}
    if code is None:
        stderr += f"\ntimed out after {timeout:.0f} s"
    return {"exit": code, "seconds": usage["seconds"], "peak_rss_mb": usage["peak_rss_mb"], "stdout": stdout,
            "stderr": stderr}


def peak_rss_mb(pid: int) -> float | None:
    """The peak resident memory (VmHWM) of a running process in MB; None where unknown."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def self_peak_rss_mb() -> float:
    """The peak resident memory of this process in MB."""
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1048576 if sys.platform == "darwin" else peak / 1024
