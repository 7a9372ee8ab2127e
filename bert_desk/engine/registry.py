"""The one table of tasks, like transformers' `SUPPORTED_TASKS`: name -> everything a caller needs.

Each row says how to load the task's head (transformers Auto class and the architecture suffix the
checkpoint must have), its typed entry points (`single` for one input, `batch` for many where the task
has one), the fields of one input, how a result becomes the CLI's JSON object, the `--selftest` sample,
and how `bert-desk NAME FILE…` offers it. Entry points are named `"module:function"` and imported at
their first call, so this table stays light (no torch, no transformers) and a test may put plain
callables in a row. Adding a task is adding a module and one row here; the CLI's inference commands,
`--model TASK=SPEC` and `--selftest` read this table.

`model_key` groups tasks that share one model: `fill-mask` and `next-sentence` are both heads of the
Pre-training checkpoint, `pretrain` (`--model pretrain=SPEC`, `bundled:pretrain`, the Pre-training tab).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bert_desk.engine.types import EngineError


class Lazy:
    """A function named `"package.module:function"`, imported when first called."""

    def __init__(self, path: str) -> None:
        self.path = path

    def resolve(self) -> Callable[..., Any]:
        module, _, name = self.path.partition(":")
        function: Callable[..., Any] = getattr(importlib.import_module(module), name)
        return function

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.resolve()(*args, **kwargs)

    def __repr__(self) -> str:
        return f"Lazy({self.path!r})"


@dataclass(frozen=True)
class Option:
    """A keyword option of a task's entry points that the CLI offers as `--name` (`_` written `-`)."""

    name: str
    default: int
    help: str | None = None


MODEL_HELP = "folder, Hugging Face id, bundled:TASK or spacy:PIPELINE (default: bundled)"


@dataclass(frozen=True)
class Command:
    """How `bert-desk NAME [FILE…]` offers a task.

    Two ways to run, as the commands always did:
    - by default, records are read in chunks and each chunk goes through `batch` (or `single` per
      input), with a progress line on a terminal and `--batch-size`; a `.jsonl`/`.ndjson` file is
      JSON lines only;
    - `per_record`: each record is read, run and printed before the next; a line starting with `{` is a
      JSON object (a `.jsonl`/`.ndjson` file is JSON lines only); an engine complaint about one input names
      its file and line.
    A task with more than one input field always reads JSON lines.
    """

    help: str
    description: str | None = None
    model_help: str = MODEL_HELP
    model_title: str = ""  # "no bundled {model_title} model" (default: the task's name)
    options: tuple[Option, ...] = ()
    per_record: bool = False


@dataclass(frozen=True)
class Task:
    """One task: its head, its typed entry points and how the CLI and `--selftest` present it."""

    name: str
    title: str
    auto_class: str  # transformers Auto class for the head
    head_suffix: str  # config.architectures entries must end with this ("" : any; the weights decide)
    single: Callable[..., Any]  # single(model, *inputs, **options) -> one result
    # batch(model, [input, …], batch_size=, progress=, cancel=) -> results in order; an input is its text (one
    # field) or the tuple of its fields. None: the CLI runs `single` per input.
    batch: Callable[..., Any] | None
    to_json: Callable[[Any], dict[str, Any]]  # a result as the CLI's JSON object
    command: Command
    inputs: tuple[str, ...] = ("text",)  # the fields of one input, in `single`'s argument order
    sample: Mapping[str, Any] | None = None  # `--selftest`: single(model, **sample); None: not self-tested
    summary: Callable[[Any], str] | None = None  # `--selftest`'s one line about the sample's result
    model_key: str = field(default="")  # the model it is loaded from (default: its name)
    label: str = ""  # the short title tabs and menus show (default: `title`)
    # prepare() builds what the first call needs besides the model; the app runs it right after the first load,
    # so the first Run does not pay for it (sentiment: spaCy's sentencizer, about 0.6 s to import)
    prepare: Callable[[], Any] | None = None

    def __post_init__(self) -> None:
        if not self.model_key:
            object.__setattr__(self, "model_key", self.name)
        if not self.label:
            object.__setattr__(self, "label", self.title)


def _engine(path: str) -> Lazy:
    return Lazy(f"bert_desk.engine.{path}")


_PRETRAIN_MODEL_HELP = "BertForPreTraining / BertForMaskedLM folder, HF id or bundled:pretrain (default)"

TASKS: dict[str, Task] = {
    "sentiment": Task(
        "sentiment", "Sentiment", "AutoModelForSequenceClassification", "ForSequenceClassification",
        single=_engine("sentiment:analyze"), batch=_engine("sentiment:analyze_batch"),
        to_json=_engine("sentiment:to_json"), summary=_engine("sentiment:summary"),
        prepare=_engine("sentiment:prepare"), sample={"text": "A moving, beautifully acted film."},
        command=Command("score texts: one per line or JSONL {\"text\"}")),
    "qa": Task(
        "qa", "Question answering", "AutoModelForQuestionAnswering", "ForQuestionAnswering",
        single=_engine("qa:answer"), batch=_engine("qa:answer_batch"), inputs=("question", "context"),
        to_json=_engine("qa:to_json"), summary=_engine("qa:summary"),
        sample={"question": "Where did Angela Merkel go?", "context": "Angela Merkel visited Paris in May."},
        command=Command("answer JSONL {\"question\", \"context\"}", options=(Option("top_k", 3),))),
    "ner": Task(
        "ner", "Named entities", "AutoModelForTokenClassification", "ForTokenClassification", label="Entities",
        single=_engine("ner:extract"), batch=_engine("ner:extract_batch"),
        to_json=_engine("ner:to_json"), summary=_engine("ner:summary"),
        sample={"text": "Angela Merkel visited Paris."},
        command=Command("find entities: one text per line or JSONL {\"text\"}")),
    # Pre-training heads: any architecture may carry them, so the loader's missing-weights check decides.
    "fill-mask": Task(
        "fill-mask", "masked-LM (fill-mask)", "AutoModelForMaskedLM", "",
        single=_engine("pretrain:fill_mask"), batch=None, model_key="pretrain",
        to_json=_engine("pretrain:fill_mask_json"), summary=_engine("pretrain:fill_mask_summary"),
        sample={"text": "The river flows into the [MASK] ocean.", "top_k": 1},
        command=Command("top-k tokens for each [MASK]: one text per line or JSONL {\"text\"}",
                        description="Predict the tokens hidden behind [MASK] (masked-LM head).",
                        model_help=_PRETRAIN_MODEL_HELP, model_title="pre-training", per_record=True,
                        options=(Option("top_k", 5, "candidates per mask (default 5)"),))),
    "next-sentence": Task(
        "next-sentence", "next-sentence prediction (NSP)", "AutoModelForNextSentencePrediction", "",
        single=_engine("pretrain:next_sentence"), batch=None, model_key="pretrain", inputs=("a", "b"),
        to_json=_engine("pretrain:next_sentence_json"), summary=_engine("pretrain:next_sentence_summary"),
        command=Command("probability that b follows a: JSONL {\"a\", \"b\"}",
                        description="Next-sentence prediction (NSP head): does b follow a?",
                        model_help=_PRETRAIN_MODEL_HELP, model_title="pre-training", per_record=True)),
}


def get(task: str) -> Task:
    """The Task for a name; an unknown name is an EngineError."""
    try:
        return TASKS[task]
    except KeyError:
        raise EngineError(f"Unknown task '{task}' (known: {', '.join(TASKS)})") from None


def model_keys() -> tuple[str, ...]:
    """The models a user may name (`--model KEY=SPEC`, `bundled:KEY`), in table order: one per task,
    tasks that share a model (`pretrain`) once."""
    return tuple(dict.fromkeys(task.model_key for task in TASKS.values()))
