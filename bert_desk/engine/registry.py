"""Task registry: task name -> implementation module, like transformers' pipeline table.

Adding a task is adding a module with `run(model, payload, *, progress, cancel)` and one `Task` line here.
Usage (CLI, worker): `registry.get("ner").run(model, {"text": "..."})`.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from bert_desk.engine.types import CancelToken, EngineError, LoadedModel, ProgressFn, no_progress


@dataclass(frozen=True)
class Task:
    """One task: how to load its transformers head and which module runs it."""

    name: str
    title: str
    module_name: str
    auto_class: str  # transformers Auto class for the head
    head_suffix: str  # config.architectures entries must end with this

    @property
    def module(self) -> ModuleType:
        return importlib.import_module(self.module_name)

    def load(self, spec: str, **kwargs: Any) -> LoadedModel:
        """`loading.load_model(spec, self.name, **kwargs)`."""
        from bert_desk.engine.loading import load_model

        return load_model(spec, self.name, **kwargs)

    def run(self, model: LoadedModel, payload: dict[str, Any], *, progress: ProgressFn = no_progress,
            cancel: CancelToken | None = None) -> Any:
        """Run the task on a payload dict (see each module's `run` for its keys)."""
        return self.module.run(model, payload, progress=progress, cancel=cancel)


TASKS: dict[str, Task] = {
    "sentiment": Task("sentiment", "Sentiment", "bert_desk.engine.sentiment",
                      "AutoModelForSequenceClassification", "ForSequenceClassification"),
    "qa": Task("qa", "Question answering", "bert_desk.engine.qa",
               "AutoModelForQuestionAnswering", "ForQuestionAnswering"),
    "ner": Task("ner", "Named entities", "bert_desk.engine.ner",
                "AutoModelForTokenClassification", "ForTokenClassification"),
    # Pre-training heads: any architecture may carry them, so the loader's missing-weights check decides.
    "fill-mask": Task("fill-mask", "masked-LM (fill-mask)", "bert_desk.engine.pretrain",
                      "AutoModelForMaskedLM", ""),
    "next-sentence": Task("next-sentence", "next-sentence prediction (NSP)", "bert_desk.engine.pretrain",
                          "AutoModelForNextSentencePrediction", ""),
}


def get(task: str) -> Task:
    """The Task for a name; an unknown name is an EngineError."""
    try:
        return TASKS[task]
    except KeyError:
        raise EngineError(f"Unknown task '{task}' (known: {', '.join(TASKS)})") from None
