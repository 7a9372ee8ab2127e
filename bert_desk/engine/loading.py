"""Load a model from a spec string (bundled, spaCy, local folder, Hugging Face id), validated and cached.

Spec formats: `bundled:<task>`, `spacy:<package-or-path>`, an existing folder,
or a Hugging Face id. Every failure is a one-line `ModelLoadError` naming the problem.
"""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path
from typing import Any

from bert_desk.engine import registry
from bert_desk.engine.device import (
    check_precision,
    describe,
    precision_preference,
    quantize_int8,
    resolve_device,
    resolve_precision,
)
from bert_desk.engine.types import (
    DeviceInfo,
    EngineError,
    LoadedModel,
    ModelInfo,
    ModelLoadError,
    ProgressFn,
    no_progress,
)
from bert_desk.engine.words import SPLITTERS
from bert_desk.paths import bundled_model_dir

_CACHE: dict[tuple[str, str, str, str, bool, bool], LoadedModel] = {}
_LOCK = threading.RLock()
_HUB_PATTERNS = ["*.json", "*.txt", "*.model", "*.safetensors", "*.py"]
_ROBERTA_LIKE = ("roberta", "camembert", "longformer", "xlm-roberta", "bart", "luke", "mpnet")


def _one_line(exc: BaseException, limit: int = 160) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


def resolve_spec(spec: str) -> tuple[str, str]:
    """Classify a spec: returns (kind, target) with kind in bundled/spacy/folder/hub."""
    spec = spec.strip()
    if spec.startswith("bundled:"):
        return "bundled", str(bundled_model_dir(spec[len("bundled:"):].strip()))
    if spec.startswith("spacy:"):
        return "spacy", spec[len("spacy:"):].strip()
    path = Path(spec).expanduser()
    if path.exists():
        return "folder", str(path)
    looks_like_path = (spec.startswith(("/", ".", "~", "\\")) or "\\" in spec
                       or re.match(r"^[A-Za-z]:", spec) is not None or spec.count("/") > 1)
    return ("folder" if looks_like_path else "hub"), spec


def default_spec(task: str) -> str | None:
    """`bundled:<task>` when the bundled folder holds a model, else None."""
    folder = bundled_model_dir(task)
    return f"bundled:{task}" if (folder / "config.json").is_file() else None


def clear_cache() -> None:
    """Forget every loaded model (frees memory once callers drop their references)."""
    with _LOCK:
        _CACHE.clear()


def load_model(spec: str, task: str, *, device: str = "auto", allow_pickle: bool = False,
               trust_remote_code: bool = False, precision: str | None = None,
               progress: ProgressFn = no_progress) -> LoadedModel:
    """Load (or fetch from cache) the model for `task` named by `spec` on `device`, in `precision`
    (`engine.device.PRECISIONS`; None: the process-wide preference)."""
    try:
        task_def = registry.get(task)
        precision = check_precision(precision if precision is not None else precision_preference())
    except EngineError as exc:
        raise ModelLoadError(str(exc)) from None
    spec = (spec or "").strip()
    if not spec:
        raise ModelLoadError("No model given")
    kind, target = resolve_spec(spec)
    if kind == "spacy":
        dev = describe("cpu")
    else:
        try:
            dev = resolve_device(device)
        except EngineError as exc:
            raise ModelLoadError(str(exc)) from None
    # Keyed by what the spec resolves to, so `bundled:x` and the same folder share one model and a
    # spec whose target changed (another bundled folder) is not served stale.
    key = (f"{kind}:{target}", task, dev.kind, precision, allow_pickle, trust_remote_code)
    with _LOCK:
        if key in _CACHE:
            return _CACHE[key]
        progress(0.0, f"Loading {spec}…")
        if kind == "spacy":
            loaded = _load_spacy(spec, target, task)
        else:
            if kind == "bundled" and not Path(target).is_dir():
                raise ModelLoadError(f"No bundled {task} model (expected in {target})")
            if kind == "hub":
                target = _hub_folder(target, allow_pickle, progress)
            name = "Bundled" if kind == "bundled" else (spec if kind == "hub" else Path(target).name)
            loaded = _load_transformers(spec, target, name, task_def, dev, allow_pickle, trust_remote_code,
                                        precision)
        _CACHE[key] = loaded
        progress(1.0, f"Loaded {loaded.info.name}")
        return loaded


# --- Hugging Face hub -------------------------------------------------------------------------

def _offline() -> bool:
    return any(os.environ.get(v, "").strip().lower() in ("1", "true", "yes", "on")
               for v in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"))


def _has_weights(folder: Path, allow_pickle: bool) -> bool:
    found = any(folder.glob("*.safetensors")) or (folder / "model.safetensors.index.json").is_file()
    return found or (allow_pickle and any(folder.glob("pytorch_model*.bin")))


def _progress_tqdm(progress: ProgressFn, repo_id: str) -> type:
    from tqdm.auto import tqdm

    class _Bar(tqdm):  # type: ignore[misc]
        def update(self, n: float | None = 1) -> bool | None:
            result = super().update(n)
            if self.total:
                progress(min(self.n / self.total, 1.0) * 0.9, f"Downloading {repo_id}…")
            return result

    return _Bar


def _hub_folder(repo_id: str, allow_pickle: bool, progress: ProgressFn) -> str:
    """Local snapshot folder of a hub model: the cache first, then a download when online."""
    from huggingface_hub import snapshot_download
    from huggingface_hub.utils import GatedRepoError, HFValidationError, RepositoryNotFoundError

    patterns = _HUB_PATTERNS + (["*.bin"] if allow_pickle else [])
    try:
        local = snapshot_download(repo_id, local_files_only=True, allow_patterns=patterns)
        if (Path(local) / "config.json").is_file() and _has_weights(Path(local), allow_pickle):
            return str(local)
    except HFValidationError:
        raise ModelLoadError(f"'{repo_id}' is neither an existing folder nor a valid Hugging Face id") from None
    except Exception:
        pass
    if _offline():
        raise ModelLoadError(f"'{repo_id}' is offline and not cached (HF_HUB_OFFLINE is set)")
    try:
        return str(snapshot_download(repo_id, allow_patterns=patterns,
                                     tqdm_class=_progress_tqdm(progress, repo_id)))
    except GatedRepoError:
        raise ModelLoadError(f"'{repo_id}' is gated: accept its licence and log in with `hf auth login`") from None
    except RepositoryNotFoundError:
        raise ModelLoadError(f"'{repo_id}' was not found on Hugging Face (or it is private)") from None
    except EngineError:  # e.g. Cancelled raised by the progress callback
        raise
    except Exception as exc:
        raise ModelLoadError(f"'{repo_id}' is offline and not cached ({_one_line(exc, 100)})") from None


# --- transformers ------------------------------------------------------------------------------

def _quiet_transformers() -> None:
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()


def model_max_length(tokenizer: Any, config: Any) -> int:
    """The usable window length in tokens (tokenizer limit capped by position embeddings)."""
    limits = []
    tok_max = getattr(tokenizer, "model_max_length", None)
    if isinstance(tok_max, int) and 0 < tok_max < 100_000:
        limits.append(tok_max)
    positions = getattr(config, "max_position_embeddings", None)
    if isinstance(positions, int) and positions > 0:
        model_type = str(getattr(config, "model_type", ""))
        limits.append(positions - 2 if model_type in _ROBERTA_LIKE else positions)
    return min(limits) if limits else 512


def _check_folder(folder: Path, name: str, allow_pickle: bool) -> None:
    if not folder.is_dir():
        what = "is a file, not a model folder" if folder.exists() else "does not exist"
        raise ModelLoadError(f"Model folder '{folder}' {what}")
    if not (folder / "config.json").is_file():
        raise ModelLoadError(f"'{name}' has no config.json: not a transformers model folder")
    if _has_weights(folder, allow_pickle):
        return
    if any(folder.glob("pytorch_model*.bin")):
        raise ModelLoadError(f"'{name}' has only pickle weights (pytorch_model.bin); convert them to "
                             "safetensors or enable 'allow pickle weights' (allow_pickle=True) if you trust it")
    raise ModelLoadError(f"'{name}' has no model weights (model.safetensors missing)")


# A tokenizer is one of these (Hugging Face's fast tokenizer, WordPiece, SentencePiece, byte-level BPE).
TOKENIZER_FILES = ("tokenizer.json", "vocab.txt", "spiece.model", "sentencepiece.bpe.model", "tokenizer.model",
                   "vocab.json")
_TAG = re.compile(r"^(O|[BIESLU][-_].+)$")  # BIO/BIOES entity tags: O, B-PER, I-LOC, ...


def _check_tokenizer_files(folder: Path, name: str) -> None:
    if not any((folder / file).is_file() for file in TOKENIZER_FILES):
        raise ModelLoadError(f"'{name}' has no tokenizer (none of {', '.join(TOKENIZER_FILES)}): every word "
                             "would be unknown to it")


def check_fit(name: str, task_def: registry.Task, config: Any, tokenizer: Any) -> None:
    """Refuse a folder whose parts do not belong together, or to the task: a tokenizer of another model
    (its vocabulary does not match the embeddings), entity tags on a sentiment head."""
    vocab_size = getattr(config, "vocab_size", None)
    if isinstance(vocab_size, int) and vocab_size > 0:
        tokens = len(tokenizer)
        if tokens > vocab_size or tokens < vocab_size // 2:
            raise ModelLoadError(f"'{name}' has a tokenizer of {tokens:,} tokens for a model of {vocab_size:,}: "
                                 "they come from different models")
    id2label = getattr(config, "id2label", None) or {}
    labels = [str(label) for label in id2label.values()]
    if task_def.name == "sentiment" and len(labels) > 1 and all(_TAG.match(label) for label in labels):
        raise ModelLoadError(f"'{name}' predicts entity tags ({', '.join(labels[:3])}, …): an entity (token "
                             "classification) model, not a sentiment model")


def _load_transformers(spec: str, target: str, name: str, task_def: registry.Task, dev: DeviceInfo,
                       allow_pickle: bool, trust_remote_code: bool, precision: str) -> LoadedModel:
    folder = Path(target)
    _check_folder(folder, name, allow_pickle)
    import torch
    import transformers

    _quiet_transformers()
    try:
        config = transformers.AutoConfig.from_pretrained(folder, trust_remote_code=trust_remote_code)
    except Exception as exc:
        raise ModelLoadError(f"'{name}' has an unreadable config.json: {_one_line(exc)}") from None
    archs = list(getattr(config, "architectures", None) or [])
    if archs and not any(a.endswith(task_def.head_suffix) for a in archs):
        raise ModelLoadError(f"'{name}' is a {archs[0]} checkpoint, not a {task_def.title} model "
                             f"(needs a *{task_def.head_suffix} head)")
    _check_tokenizer_files(folder, name)
    try:
        tokenizer = transformers.AutoTokenizer.from_pretrained(folder, trust_remote_code=trust_remote_code)
    except Exception as exc:
        raise ModelLoadError(f"'{name}' has a missing or unreadable tokenizer: {_one_line(exc)}") from None
    if not getattr(tokenizer, "is_fast", False):
        raise ModelLoadError(f"'{name}' needs a fast tokenizer (tokenizer.json) for character offsets")
    check_fit(name, task_def, config, tokenizer)
    auto_cls = getattr(transformers, task_def.auto_class)
    try:
        model, info = auto_cls.from_pretrained(
            folder, trust_remote_code=trust_remote_code, output_loading_info=True,
            use_safetensors=None if allow_pickle else True)
    except Exception as exc:
        kind = "corrupt weights" if "safetensor" in type(exc).__module__.lower() + str(exc).lower() \
            or "deserializ" in str(exc).lower() else "weights could not be loaded"
        raise ModelLoadError(f"'{name}' has {kind}: {_one_line(exc)}") from None
    prefix = getattr(model, "base_model_prefix", "") + "."
    head_missing = sorted(k for k in info.get("missing_keys", ()) if not k.startswith(prefix))
    if head_missing:
        raise ModelLoadError(f"'{name}' has no trained {task_def.title} head (missing {head_missing[0]})")
    try:
        model.to(torch.device(dev.kind), dtype=torch.float16 if dev.fp16 else None)
    except Exception as exc:
        raise ModelLoadError(f"Could not move '{name}' to {dev.description}: {_one_line(exc)}") from None
    model.eval()
    precision = resolve_precision(dev, config, precision)
    if precision == "int8":
        model = quantize_int8(model)
    id2label = getattr(config, "id2label", None) or {}
    labels = tuple(str(id2label[i]) for i in sorted(id2label)) if task_def.name != "qa" else ()
    splitter = str(getattr(config, "bert_desk_word_splitter", "") or "") if task_def.name == "ner" else ""
    if splitter and splitter not in SPLITTERS:
        raise ModelLoadError(f"'{name}' asks for the word splitter {splitter!r}; this bert_desk knows "
                             f"{', '.join(SPLITTERS)}")
    info_obj = ModelInfo(spec=spec, task=task_def.name, name=name, backend="transformers", device=dev,
                         labels=labels, max_length=model_max_length(tokenizer, config), word_splitter=splitter,
                         precision=precision)
    return LoadedModel(info=info_obj, model=model, tokenizer=tokenizer, path=str(folder))


# --- spaCy ---------------------------------------------------------------------------------------

def installed_spacy_pipelines() -> list[str]:
    """Names of the installed spaCy pipeline packages, from their `spacy_models` entry points (what
    `spacy.util.get_installed_models` reads, without the seconds of importing spaCy)."""
    from importlib.metadata import entry_points

    return sorted({ep.name for ep in entry_points(group="spacy_models")})


def warm_up() -> None:
    """Import what the first model load needs (transformers' auto classes and BERT's modelling code),
    so the first Run after start-up does not pay for it."""
    import transformers

    for name in ("AutoConfig", "AutoTokenizer", "AutoModelForSequenceClassification"):
        getattr(transformers, name)
    import transformers.models.bert.modeling_bert  # the bundled models' architecture


_SPACY_NER_FACTORIES = {"ner", "beam_ner", "entity_ruler", "span_ruler", "entity_linker"}


def _load_spacy(spec: str, target: str, task: str) -> LoadedModel:
    if task != "ner":
        raise ModelLoadError(f"spaCy pipelines can only be used for NER, not {task}")
    if not target:
        raise ModelLoadError("Empty spaCy spec: use spacy:<package-or-path>")
    import spacy

    try:
        nlp = spacy.load(target)
    except OSError:
        raise ModelLoadError(f"spaCy pipeline '{target}' not found (not an installed package or a "
                             "pipeline folder)") from None
    except Exception as exc:
        raise ModelLoadError(f"spaCy pipeline '{target}' could not be loaded: {_one_line(exc)}") from None
    factories = {nlp.get_pipe_meta(n).factory for n in nlp.pipe_names}
    if not factories & _SPACY_NER_FACTORIES:
        raise ModelLoadError(f"spaCy pipeline '{target}' has no entity component (ner or entity_ruler)")
    labels: set[str] = set()
    for pipe_name in nlp.pipe_names:
        if nlp.get_pipe_meta(pipe_name).factory in _SPACY_NER_FACTORIES:
            labels.update(str(lab) for lab in getattr(nlp.get_pipe(pipe_name), "labels", ()) or ())
    name = Path(target).name if Path(target).exists() else target
    info = ModelInfo(spec=spec, task=task, name=name, backend="spacy", device=describe("cpu"),
                     labels=tuple(sorted(labels)), max_length=int(nlp.max_length))
    return LoadedModel(info=info, nlp=nlp, path=target if Path(target).exists() else "")
