"""The ``rag`` command line: ingest, status, search, ask, chat, remove, eval, bench, ui.

Only the standard library is imported at start-up, so ``rag --help`` is instant; each
command imports what it needs. Errors meant for the user print as one line on stderr with
a non-zero exit code; there are no tracebacks unless ``--debug`` is given.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

EXIT_ERROR = 2  # a problem the user can fix (bad input, no index, server down)
EXIT_DEGRADED = 3  # answered, but not the way asked (the LLM failed and the extractive answer was shown)


class OneLineParser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line, like every other error."""

    def error(self, message):
        self.exit(EXIT_ERROR, f"error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    parser = OneLineParser(prog="rag", description="Ask questions about your documents; every answer cites "
                                     "the passages it comes from. Settings come from RAG_* environment variables.")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for unexpected errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)

    p = sub.add_parser("ingest", help="add or update documents in the index (default: corpus/)")
    p.add_argument("paths", nargs="*", type=Path, help="files or folders (.md .txt .html .htm .pdf)")

    sub.add_parser("status", help="what is indexed, with which model, where")

    p = sub.add_parser("search", help="show the passages retrieved for a query")
    p.add_argument("query")
    p.add_argument("-k", type=int, default=5, help="number of passages (default 5)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--dense-only", action="store_true", help="dense retrieval only (no BM25, no rerank)")

    p = sub.add_parser("ask", help="answer a question with citations")
    p.add_argument("question")
    p.add_argument("--mode", choices=["auto", "extractive", "local", "openai"], help="answer mode (default: RAG_MODE)")
    p.add_argument("-k", type=int, help="passages to retrieve")
    p.add_argument("--json", action="store_true", help="print the answer as JSON")

    p = sub.add_parser("chat", help="a conversation in the terminal, with follow-up questions")
    p.add_argument("--mode", choices=["auto", "extractive", "local", "openai"])

    p = sub.add_parser("remove", help="remove a document's chunks from the index (the file stays)")
    p.add_argument("doc_id")

    p = sub.add_parser("eval", help="run the evaluation suite")
    p.add_argument("--dataset", type=Path, default=Path("eval/qa.jsonl"))
    p.add_argument("--format", choices=["jsonl", "squad"], default="jsonl")
    p.add_argument("--mode", action="append", choices=["extractive", "local", "openai"],
                   help="mode to evaluate (repeatable; default extractive)")
    p.add_argument("--k", type=int, help="passages to retrieve")
    p.add_argument("--split", choices=["dev", "test", "all"], default="all",
                   help="evaluate one split (dev: for choosing rules; test: never used for a choice)")
    p.add_argument("--limit", type=int, help="evaluate only the first N questions")
    p.add_argument("--no-baseline", action="store_true", help="skip the dense top-chunk baseline")
    p.add_argument("--json", action="store_true", help="print metrics as JSON")
    p.add_argument("--out", type=Path, help="write report.md, report.json, chart.png and results.jsonl here")

    p = sub.add_parser("ui", help="open the chat in a browser (the same as python ui.py)")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    p.add_argument("--insecure", action="store_true",
                   help="allow a non-loopback --host without RAG_UI_AUTH (anyone on the network can use it)")

    p = sub.add_parser("bench", help="measure speed and memory")
    p.add_argument("--quick", action="store_true", help="small sizes, few repetitions (about 5 minutes on quiet cores)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--out", type=Path, help="write RESULTS.md and charts here")
    return parser


def main(argv=None) -> int:
    """Run the CLI; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 0
    from rag.errors import RagError
    from rag.runtime import offline_environment

    offline_environment()
    import warnings

    warnings.simplefilter("ignore")  # this program's own output is one line per error; libraries' warnings are noise

    try:
        from rag.settings import Settings

        settings = Settings.from_env()
        return COMMANDS[args.command](args, settings)
    except RagError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_ERROR
    except ValueError as err:  # settings with wrong types
        if args.debug:
            raise
        print(f"error: {err}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("\ninterrupted; the index is consistent: run the command again to finish", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as err:  # never a traceback for the user
        if args.debug:
            raise
        print(f"error: unexpected {type(err).__name__}: {str(err).splitlines()[0][:300] if str(err) else ''} "
              "(run with --debug for details)", file=sys.stderr)
        return 1


def cmd_ingest(args, settings) -> int:
    from rag.ingest import Ingester

    report = Ingester(settings).run(args.paths or None, progress=True)
    print(report.summary())
    for result in report.failed:
        print(f"failed: {result.doc_id}: {result.reason}")
    for result in report.results:
        if result.status == "skipped":
            print(f"skipped: {result.doc_id}: {result.reason}", file=sys.stderr)
    print(f"{report.chunks_embedded} chunks embedded in {report.seconds:.1f} s", file=sys.stderr)
    return 1 if report.failed else 0


def cmd_status(args, settings) -> int:
    from rag.embeddings import resolve_model
    from rag.store import open_store

    store = open_store(settings)
    entries = store.ledger_entries()
    state = store.state()
    when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(state["updated_at"])) if state["updated_at"] else "never"
    print(f"documents: {sum(1 for e in entries.values() if e.complete)}")
    print(f"chunks: {store.chunk_count()}")
    print(f"embedding model: {state['embed_model'] or resolve_model(settings.embed_model)[1]}")
    print(f"store: {settings.store_label}")
    print(f"last ingest: {when}")
    incomplete = [e.doc_id for e in entries.values() if not e.complete]
    if incomplete:
        print(f"unfinished: {len(incomplete)} document(s) from an interrupted ingest: run `rag ingest` again")
    return 0


def cmd_search(args, settings) -> int:
    from rag.errors import RagError
    from rag.pipeline import Assistant
    from rag.retrieve import Retriever

    if not args.query.strip():
        raise RagError("the query is empty")
    if not 1 <= args.k <= 100:
        raise RagError("-k must be between 1 and 100")
    assistant = Assistant(settings)
    if args.dense_only:
        passages = Retriever(assistant.store, assistant.embedder, assistant.config).run(args.query, args.k,
                                                                                       hybrid=False).passages
    else:
        passages = assistant.select(args.query, args.k).passages[: args.k]
    rows = [{"rank": i, "score": round(p.fused, 5), "dense": round(p.dense, 4), "bm25": round(p.keyword, 3),
             "chunk_id": p.chunk_id, "doc_id": p.metadata.get("doc_id"), "title": p.metadata.get("title"),
             "section": p.metadata.get("section"), "page": p.metadata.get("page"),
             "start": p.metadata.get("start"), "end": p.metadata.get("end"), "text": p.text}
            for i, p in enumerate(passages, 1)]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for row in rows:
        where = " / ".join(x for x in (row["doc_id"], row["section"]) if x)
        print(f"{row['rank']}. score {row['score']} (dense {row['dense']}, bm25 {row['bm25']})  {where}  "
              f"[{row['start']}:{row['end']}]")
        print("   " + " ".join(row["text"].split())[:600])
    return 0


def format_answer(answer) -> str:
    """The answer and its numbered sources, for a terminal."""
    lines = [answer.text, ""]
    if answer.citations:
        lines.append("Sources:")
        for e in answer.citations:
            where = f"{e.title}" + (f" / {e.section}" if e.section else "") + (f", page {e.page}" if e.page else "")
            lines.append(f"[{e.n}] {where} ({e.doc_id}, characters {e.start}-{e.end})")
            lines.append(f"    \"{' '.join(e.quote.split())}\"")
    elif answer.closest:
        lines.append("Closest passages:")
        for e in answer.closest:
            lines.append(f"- {e.title}" + (f" / {e.section}" if e.section else "") + f": \"{' '.join(e.quote.split())[:200]}\"")
    hidden = [s for s in answer.sentences if not s.verified]
    if hidden:
        lines.append(f"({len(hidden)} generated sentence(s) not shown: the sources did not support them)")
    return "\n".join(lines).rstrip()


def _check_question(question: str) -> None:
    from rag.errors import RagError

    if not question.strip():
        raise RagError("the question is empty: ask something about the documents")


def cmd_ask(args, settings) -> int:
    from rag.pipeline import Assistant

    _check_question(args.question)
    answer = Assistant(settings).answer(args.question, mode=args.mode, k=args.k)
    for notice in answer.notices:
        print(f"note: {notice}", file=sys.stderr)
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(format_answer(answer))
        t = answer.timings_ms
        print(f"\n[{answer.mode}; retrieve {t['retrieve']:.0f} ms, generate {t.get('generate', 0):.0f} ms, "
              f"verify {t.get('verify', 0):.0f} ms, total {t['total']:.0f} ms]", file=sys.stderr)
    degraded = any("showing the extractive answer" in n for n in answer.notices)
    return EXIT_DEGRADED if degraded else 0


def cmd_chat(args, settings) -> int:
    from rag.errors import RagError
    from rag.pipeline import Assistant

    assistant = Assistant(settings)
    history = []
    print("Ask about the documents. Empty line or Ctrl-D to quit.")
    while True:
        try:
            question = input("\n> ")
        except EOFError:
            print()
            return 0
        if not question.strip():
            return 0
        try:
            answer = assistant.answer(question, history, mode=args.mode)
            for notice in answer.notices:
                print(f"note: {notice}")
            print(format_answer(answer))
        except RagError as err:
            print(f"error: {err}")
            continue
        history += [{"role": "user", "content": question}, {"role": "assistant", "content": answer.text}]


def cmd_remove(args, settings) -> int:
    from rag.errors import RagError
    from rag.ingest import Ingester

    if not Ingester(settings).remove(args.doc_id):
        raise RagError(f"no document {args.doc_id!r} in the index (see `rag status`)")
    print(f"removed {args.doc_id}")
    return 0


def cmd_eval(args, settings) -> int:
    from rag.evaluation import run_cli

    return run_cli(args, settings)


def cmd_bench(args, settings) -> int:
    from rag.bench import run_cli

    return run_cli(args, settings)


def cmd_ui(args, settings) -> int:
    from rag.ui import serve

    return serve(settings, args.host, args.port, args.insecure)


COMMANDS = {"ingest": cmd_ingest, "status": cmd_status, "search": cmd_search, "ask": cmd_ask, "chat": cmd_chat,
            "remove": cmd_remove, "eval": cmd_eval, "bench": cmd_bench, "ui": cmd_ui}

if __name__ == "__main__":
    sys.exit(main())
