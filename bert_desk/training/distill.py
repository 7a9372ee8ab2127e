"""Knowledge distillation for the [CLS] classifier: one student learns an ensemble's soft labels.

The teachers (fine-tuned sentiment models with the same labels) score every training text; their class
probabilities are averaged. The student's loss mixes the usual cross-entropy on the gold label with the
KL divergence to the averaged teacher distribution at a temperature (Hinton et al., 2015):
`alpha * CE + (1 - alpha) * T^2 * KL(teacher_T || student_T)`.
torch/transformers are imported inside functions only.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bert_desk.training.export import final_model

SOFT_KEY = "teacher_probs"


class DistillError(ValueError):
    """A teacher cannot be used (not found, or labels unlike the student's)."""


def teacher_probabilities(teachers: Sequence[str | Path], texts: Sequence[str], labels: Sequence[str], *,
                          max_length: int, batch_size: int = 128) -> list[list[float]]:
    """The teachers' mean class probabilities for each text, in the order of `labels` (label names)."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    if not teachers:
        raise DistillError("distillation needs at least one teacher model")
    total = torch.zeros(len(texts), len(labels))
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # similar lengths share a batch: less padding
    for teacher in teachers:
        folder = final_model(teacher)
        if not (folder / "config.json").is_file():
            raise DistillError(f"{teacher}: not a model folder (no config.json)")
        model = AutoModelForSequenceClassification.from_pretrained(folder, use_safetensors=True).eval()
        tokenizer = AutoTokenizer.from_pretrained(folder)
        names = {int(k): v for k, v in model.config.id2label.items()}
        if sorted(names.values()) != sorted(labels):
            raise DistillError(f"{teacher}: labels {sorted(names.values())} differ from {sorted(labels)}")
        columns = [next(i for i, name in names.items() if name == label) for label in labels]
        with torch.inference_mode():
            for start in range(0, len(order), batch_size):
                rows = order[start:start + batch_size]
                enc = tokenizer([texts[i] for i in rows], truncation=True, max_length=max_length,
                                padding=True, return_tensors="pt")
                total[rows] += model(**enc).logits.float().softmax(-1)[:, columns]
    return (total / len(teachers)).tolist()


def add_soft_labels(features: list[dict[str, Any]], probabilities: Sequence[Sequence[float]]) -> None:
    """Attach each example's teacher distribution to its encoded features (in place)."""
    if len(features) != len(probabilities):
        raise DistillError(f"{len(probabilities)} teacher rows for {len(features)} examples")
    for row, probs in zip(features, probabilities, strict=True):
        row[SOFT_KEY] = list(probs)


def read_unlabelled(path: str | Path, held_out: Sequence[str] = ()) -> list[str]:
    """Texts to learn from the teachers only: one per line (blank lines skipped, duplicates once). A text found
    inside a held-out text is dropped, so the held-out score stays one on unseen sentences."""
    path = Path(path)
    if not path.is_file():
        raise DistillError(f"{path}: file not found")
    inside = "\n".join(held_out)
    texts = dict.fromkeys(line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [t for t in texts if t and t not in inside]


def unlabelled_features(tokenizer: Any, texts: Sequence[str], max_length: int) -> list[dict[str, Any]]:
    """Encoded texts without a gold label (`labels` -100: only the teachers' soft labels train on them)."""
    enc = tokenizer(list(texts), truncation=True, max_length=max_length)
    return [{"input_ids": ids, "attention_mask": mask, "labels": -100}
            for ids, mask in zip(enc["input_ids"], enc["attention_mask"], strict=True)]


def distillation_loss(logits: Any, labels: Any, teacher_probs: Any, *, alpha: float, temperature: float) -> Any:
    """`alpha * CE(logits, labels) + (1 - alpha) * T^2 * KL(teacher at T || student at T)`; rows labelled
    -100 (unlabelled texts) count in the KL part only."""
    import torch.nn.functional as F

    labelled = labels != -100
    hard = F.cross_entropy(logits[labelled], labels[labelled]) if bool(labelled.any()) else logits.sum() * 0.0
    soft_teacher = (teacher_probs.clamp_min(1e-8).log() / temperature).softmax(-1)
    soft = F.kl_div((logits / temperature).log_softmax(-1), soft_teacher, reduction="batchmean")
    return alpha * hard + (1.0 - alpha) * temperature ** 2 * soft


def distill_trainer_class(alpha: float, temperature: float) -> Any:
    """A `Trainer` subclass whose loss is `distillation_loss` on batches carrying `teacher_probs`
    (batches without them, e.g. evaluation, use the plain cross-entropy)."""
    from transformers import Trainer

    class DistillTrainer(Trainer):
        def compute_loss(self, model: Any, inputs: dict[str, Any], return_outputs: bool = False,
                         num_items_in_batch: Any = None) -> Any:
            teacher = inputs.pop(SOFT_KEY, None)
            if teacher is None:
                return super().compute_loss(model, inputs, return_outputs, num_items_in_batch)
            labels = inputs.pop("labels")
            outputs = model(**inputs)
            loss = distillation_loss(outputs.logits, labels, teacher.to(outputs.logits.dtype),
                                     alpha=alpha, temperature=temperature)
            return (loss, outputs) if return_outputs else loss

    return DistillTrainer
