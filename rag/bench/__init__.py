"""``rag bench [--quick] [--json] [--out DIR]``: speed and memory, measured on this machine.

Stages (progress goes to stderr):

1. **ingest** - end-to-end chunks/s of :class:`rag.ingest.Ingester` on ``corpus/`` and on
   synthetic corpora, beside the raw encoder on exactly the texts ingest embedded and LangChain's
   ``Chroma.from_documents`` on the same chunks; repeated, medians with their spread;
2. **retrieval** - p50/p95 at several index sizes, embedded Chroma and a ``chroma run`` server;
   in full mode also a 100,000-chunk index measured in new processes (keyword index ready,
   first answer, peak RSS);
3. **answer** - p50/p95 and time to first streamed text per mode (extractive, local);
4. **cold start and memory** - ``rag --help``, a first ``rag ask`` per mode and the UI, each in
   its own process, timed and with its peak RSS.

A target this run did not measure reads "not measured" (``null`` in ``--json``). Nothing
touches the user's index: scratch indexes go to a temporary folder, synthetic retrieval indexes
to the benchmark cache (``<cache_dir>/bench``), where later runs reuse them.

Modules: :mod:`.synthetic` (corpora and indexes), :mod:`.processes` (child processes, shared
with the tests), :mod:`.stages` (the measurements), :mod:`.report` (targets, tables, charts),
:mod:`.runner` (the order of a run and its top-level figures).
"""

from rag.bench.runner import FULL, QUICK, BenchConfig, run_bench, run_cli

__all__ = ["FULL", "QUICK", "BenchConfig", "run_bench", "run_cli"]
