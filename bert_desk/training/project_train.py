"""Train a new model version from a project's reviewed documents (`bert-desk project train`).

Three steps, so that the app can keep the project open while a separate process trains:
`prepare_run` (needs the project) writes the run folder `p.models/.run-<task>/` with the documents and the
settings; `train_run` (no project) fine-tunes in that folder with checkpoints, scores the previous and the new
model on the held-back documents, writes the model card and moves the finished model to `p.models/<name>/`
in one rename; `record_run` (needs the project) records the version. A cancelled run deletes its run folder;
a crashed or killed one keeps it, and `train_run(..., resume=True)` continues from its last checkpoint.

Where training starts: `--base`, else the model that pre-annotated the project. When that model's head
knows every label of the reviewed documents it is fine-tuned as it is; otherwise its encoder gets a new head
for the project's label set (e.g. WNUT's `product`, `creative-work`).
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bert_desk.engine.types import Cancelled, CancelToken
from bert_desk.project.errors import ProjectError
from bert_desk.project.schema import now
from bert_desk.project.store import Project
from bert_desk.project.versions import ModelVersion, versions_folder
from bert_desk.training import project_data as PD
from bert_desk.training.project_scores import score_model

Emit = Callable[[dict[str, Any]], None]
_STEP = re.compile(r"step (\d+)/(\d+)")


def print_json(event: dict[str, Any]) -> None:
    """One JSON line on stdout (what the Review tab's training panel reads)."""
    print(json.dumps(event, ensure_ascii=False), flush=True)


@dataclass
class TrainSettings:
    """How a project training run trains (recorded with the version)."""

    task: str
    base: str | None = None  # None: the model that pre-annotated the project
    epochs: float = 6.0
    min_steps: int = 150  # a small project trains for more epochs, up to MAX_EPOCHS, to take this many steps
    holdout: float = 0.2
    seed: int = 13
    batch_size: int = 16
    lr: float = 3e-4
    max_length: int = 128
    threads: int = 2
    device: str = "auto"  # where the held-back documents are scored
    save_steps: int = 0  # 0: a checkpoint every epoch, or every sixth of the run when that is longer
    logging_steps: int = 5


MAX_EPOCHS = 50.0


def epochs_to_run(settings: TrainSettings, per_epoch: int) -> float:
    """`settings.epochs`, or more on a small project (`per_epoch` optimiser steps an epoch) so that training
    takes at least `settings.min_steps` steps, at most MAX_EPOCHS: 50 documents learn nothing in 6 epochs."""
    wanted = math.ceil(settings.min_steps / max(1, per_epoch))
    return max(settings.epochs, min(MAX_EPOCHS, float(wanted)))


def run_folder(project_path: str | Path, task: str) -> Path:
    """The folder of the (unfinished) training run of `task` beside the project."""
    return versions_folder(project_path) / f".run-{task}"


def starting_point(spec: str, task: str, labels: list[str]) -> tuple[str, bool]:
    """(folder, new_head): the model folder to start from and whether it needs a new head for `labels`."""
    from transformers import AutoConfig

    from bert_desk.training.data import resolve_base

    if spec.startswith("spacy:"):
        raise ProjectError(f"{spec} is a spaCy pipeline and cannot be fine-tuned here: give --base "
                           "(minilm, bundled:{task} or a model folder)")
    folder = resolve_base(spec)
    try:
        config = AutoConfig.from_pretrained(folder)
    except (OSError, ValueError) as exc:
        raise ProjectError(f"cannot read the model to start from ({spec}): {exc}") from exc
    heads = " ".join(config.architectures or [])
    tags = [str(config.id2label[i]) for i in sorted(config.id2label)] if getattr(config, "id2label", None) else []
    if task == "ner":
        bio = all(t == "O" or t[:2] in ("B-", "I-") for t in tags)
        keep = "TokenClassification" in heads and bio and set(labels) <= {t[2:] for t in tags if t != "O"}
    elif task == "sentiment":
        keep = "SequenceClassification" in heads and set(labels) <= set(tags)
    else:
        keep = "QuestionAnswering" in heads
    return folder, not keep


def prepare_run(project: Project, settings: TrainSettings) -> Path:
    """Collect the accepted documents, and write a fresh run folder with them and the plan; returns it.
    Quick and without torch (the app calls it on its GUI thread); `train_run` reads the starting model."""
    if project.read_only:
        reason = f" ({project.integrity_error})" if project.integrity_error else ""
        raise ProjectError(f"{project.path} is open read-only{reason}: training records a model version in the "
                           "project; open it writable")
    data = PD.collect(project, settings.task, holdout=settings.holdout, seed=settings.seed)
    previous = project.get_setting(f"model.{settings.task}") or project.reviews.last_proposer(settings.task)
    spec = settings.base or previous
    if spec is None:
        raise ProjectError(f"no model has pre-annotated this project's {settings.task} documents: give --base "
                           f"(minilm, bundled:{settings.task} or a model folder)")
    run = run_folder(project.path, settings.task)
    if run.exists():
        shutil.rmtree(run)
    run.mkdir(parents=True)
    (run / "data.json").write_text(data.to_json(), encoding="utf-8")
    plan = {"settings": asdict(settings), "previous": previous, "start_spec": spec,
            "name": project.versions.next_name(settings.task)}
    (run / "plan.json").write_text(json.dumps(plan, indent=1, ensure_ascii=False), encoding="utf-8")
    return run


class _Progress:
    """Turns the runner's "step N/T" progress into JSON lines with an ETA and the latest loss."""

    def __init__(self, emit: Emit, log: Path) -> None:
        self.emit, self.log = emit, log
        self.started: tuple[float, int] | None = None

    def _loss(self) -> float | None:
        try:
            lines = self.log.read_text(encoding="utf-8").splitlines()
        except OSError:
            return None
        for line in reversed(lines):
            record = json.loads(line)
            if "loss" in record:
                return round(float(record["loss"]), 4)
        return None

    def __call__(self, fraction: float, message: str) -> None:
        match = _STEP.match(message)
        if not match:
            self.emit({"event": "phase", "message": message})
            return
        step, total = int(match.group(1)), int(match.group(2))
        if self.started is None:
            self.started = (time.monotonic(), step)
        at, first = self.started
        done = step - first
        eta = (time.monotonic() - at) / done * (total - step) if done > 0 else None
        self.emit({"event": "progress", "step": step, "total": total, "fraction": round(fraction, 4),
                   "eta_s": None if eta is None else round(eta, 1), "loss": self._loss()})


def _fit(run: Path, plan: dict[str, Any], data: PD.ProjectData, settings: TrainSettings, resume: bool,
         progress: _Progress, cancel: CancelToken | None) -> float:
    """Fine-tune into `run/model`; returns the training seconds."""
    from bert_desk.training.runner import TrainConfig

    task, start, new_head = settings.task, plan["start"], plan["new_head"]
    n_examples = len(data.train) if task != "ner" else sum(len(PD.word_examples(g)) for g in data.train)
    per_epoch = max(1, math.ceil(n_examples / settings.batch_size))
    epochs = epochs_to_run(settings, per_epoch)
    save_steps = settings.save_steps or max(per_epoch, math.ceil(per_epoch * epochs / 6))
    if epochs > settings.epochs:
        progress.emit({"event": "phase", "message": f"{n_examples} training examples: {epochs:g} epochs, to take at "
                       f"least {settings.min_steps} steps"})
    cfg = TrainConfig(task=task, base=start, train="", out=str(run), epochs=epochs,
                      batch_size=settings.batch_size, lr=settings.lr, max_length=settings.max_length,
                      seed=settings.seed, resume=resume, save_steps=save_steps,
                      logging_steps=settings.logging_steps, eval_each_epoch=False, threads=settings.threads)
    started = time.time()
    if task == "qa":
        from bert_desk.training.qa_train import train_qa

        cfg.train, cfg.valid = str(run / "train.json"), str(run / "held.json")
        for name, docs in (("train.json", data.train), ("held.json", data.held)):
            (run / name).write_text(json.dumps(PD.squad_json(docs), ensure_ascii=False), encoding="utf-8")
        cfg.extra = {"eval_questions": 1}  # the held-back scores come from `score_model`
        train_qa(cfg, progress=progress, cancel=cancel)
    else:
        _fit_classifier(cfg, data, start, new_head, progress, cancel)
    return time.time() - started


def _fit_classifier(cfg: Any, data: PD.ProjectData, start: str, new_head: bool, progress: _Progress,
                    cancel: CancelToken | None) -> None:
    from transformers import (
        AutoModelForSequenceClassification,
        AutoModelForTokenClassification,
        AutoTokenizer,
        DataCollatorForTokenClassification,
        DataCollatorWithPadding,
    )

    from bert_desk.training import data as D
    from bert_desk.training.export import save_model
    from bert_desk.training.readers import TextExample, TokenExample
    from bert_desk.training.runner import fit, write_run_config

    write_run_config(cfg, start)
    tokenizer = AutoTokenizer.from_pretrained(start)
    ner = cfg.task == "ner"
    cls = AutoModelForTokenClassification if ner else AutoModelForSequenceClassification
    if new_head:
        labels = PD.bio_labels(data.labels) if ner else list(data.labels)
        model = cls.from_pretrained(start, num_labels=len(labels), id2label=dict(enumerate(labels)),
                                    label2id={lab: i for i, lab in enumerate(labels)}, ignore_mismatched_sizes=True)
    else:
        model = cls.from_pretrained(start)
    label2id = {str(k): int(v) for k, v in model.config.label2id.items()}
    if ner:
        examples = [TokenExample(w, t) for g in data.train for w, t in PD.word_examples(g)]
        dataset = D.encode_tokens(tokenizer, examples, label2id, cfg.max_length)
        collator: Any = DataCollatorForTokenClassification(tokenizer)
        model.config.bert_desk_word_splitter = PD.WORD_SPLITTER  # it learnt these words: the engine cuts text so
    else:
        dataset = D.encode_texts(tokenizer, [TextExample(g.text, g.label or "") for g in data.train], label2id,
                                 cfg.max_length)
        collator = DataCollatorWithPadding(tokenizer)
    fitted = fit(cfg, model=model, tokenizer=tokenizer, train_dataset=dataset, collator=collator,
                 progress=progress, cancel=cancel, train_sampling_strategy="group_by_length")
    save_model(fitted.trainer.model, tokenizer, Path(cfg.out) / "model", base=start)


def train_run(run: Path, *, resume: bool = False, emit: Emit = print_json,
              cancel: CancelToken | None = None) -> ModelVersion:
    """Train the prepared run, score old and new models, move the model into `p.models/<name>/`.

    Cancelled: the run folder is deleted and `Cancelled` raised. Any other failure keeps the run folder
    (its checkpoints), so `resume=True` continues it.
    """
    from bert_desk.training.model_card import render_version_card

    if not (run / "plan.json").is_file():
        raise ProjectError(f"no training run to {'resume' if resume else 'start'} in {run}")
    plan = json.loads((run / "plan.json").read_text(encoding="utf-8"))
    settings = TrainSettings(**plan["settings"])
    data = PD.ProjectData.from_json((run / "data.json").read_text(encoding="utf-8"))
    task = settings.task
    if "start" not in plan:
        try:
            plan["start"], plan["new_head"] = starting_point(plan["start_spec"], task, data.labels)
        except ProjectError:
            if not resume:
                shutil.rmtree(run, ignore_errors=True)
            raise
        (run / "plan.json").write_text(json.dumps(plan, indent=1, ensure_ascii=False), encoding="utf-8")
    try:
        emit({"event": "phase", "message": f"training on {len(data.train)} documents "
                                            f"({len(data.held)} held back) from {plan['start_spec']}"})
        seconds = _fit(run, plan, data, settings, resume, _Progress(emit, run / "train_log.jsonl"), cancel)
        emit({"event": "phase", "message": "scoring the new model on the held-back documents"})
        new = score_model(str(run / "model"), task, data.held, data.labels, device=settings.device, cancel=cancel)
        old = None
        if plan["previous"]:
            emit({"event": "phase", "message": "scoring the previous model on the held-back documents"})
            try:
                old = score_model(plan["previous"], task, data.held, data.labels, device=settings.device,
                                  cancel=cancel)
            except Cancelled:
                raise
            except Exception as exc:  # the previous model may be gone: the new one is still worth keeping
                data.notes.append(f"the previous model {plan['previous']} could not be scored: {exc}")
    except Cancelled:
        shutil.rmtree(run, ignore_errors=True)
        raise
    root = run.parent
    name = plan["name"]
    while (root / name).exists():
        name = re.sub(r"(\d+)$", lambda m: str(int(m.group(1)) + 1), name)
    version = ModelVersion(
        name=name, task=task, created_at=now(), base=plan["start_spec"], new_head=plan["new_head"],
        documents=len(data.train), held_back=len(data.held), labels=tuple(data.labels),
        scores={"previous": old, "new": new, "notes": data.notes}, settings=asdict(settings),
        previous=plan["previous"], train_seconds=round(seconds, 1))
    model = run / "model"
    (model / "version.json").write_text(json.dumps(version.as_dict(), indent=1, ensure_ascii=False) + "\n",
                                        encoding="utf-8")
    (model / "README.md").write_text(render_version_card(version.as_dict()), encoding="utf-8")
    os.replace(model, root / name)
    shutil.rmtree(run, ignore_errors=True)
    emit({"event": "done", "version": version.as_dict(), "folder": str(root / name)})
    return version


def record_run(project: Project, version: ModelVersion) -> None:
    """Record a finished version in the project."""
    project.versions.add_model_version(version)


def read_version(folder: str | Path) -> ModelVersion:
    """The record a finished run wrote into its model folder."""
    return ModelVersion.from_dict(json.loads((Path(folder) / "version.json").read_text(encoding="utf-8")))
