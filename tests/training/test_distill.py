"""Distillation: the teachers' averaged soft labels drive the student (sentiment), and the loss is right."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bert_desk.cli import main
from bert_desk.training.distill import DistillError, distillation_loss, teacher_probabilities

from .test_train import NEG, POS

TEXTS = POS + NEG


def _file(tmp_path: Path, name: str, flipped: bool) -> Path:
    good, bad = ("0", "1") if flipped else ("1", "0")
    rows = [f"{t}\t{good}" for t in POS] + [f"{t}\t{bad}" for t in NEG]
    path = tmp_path / name
    path.write_text("sentence\tlabel\n" + "\n".join(rows * 2) + "\n", encoding="utf-8")
    return path


def _train(tmp_path: Path, base: Path, data: Path, out: str, *options: str) -> Path:
    rc = main(["train", "sentiment", "--base", str(base), "--train", str(data), "--valid", str(data),
               "--out", str(tmp_path / out), "--max-steps", "30", "--batch-size", "8", "--lr", "1e-2",
               "--warmup", "0", "--no-eval", "--threads", "1", "--seed", "5", *options])
    assert rc == 0
    return tmp_path / out


def _predict(model_dir: Path) -> list[str]:
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    model = AutoModelForSequenceClassification.from_pretrained(model_dir).eval()
    enc = AutoTokenizer.from_pretrained(model_dir)(TEXTS, padding=True, return_tensors="pt")
    with torch.inference_mode():
        ids = model(**enc).logits.argmax(-1).tolist()
    return [model.config.id2label[i] for i in ids]


def test_loss_is_cross_entropy_at_alpha_one_and_kl_to_the_teacher_at_zero() -> None:
    import torch
    import torch.nn.functional as F

    logits = torch.tensor([[2.0, -1.0], [0.5, 0.3]])
    labels = torch.tensor([0, 1])
    teacher = torch.tensor([[0.2, 0.8], [0.9, 0.1]])
    ce = F.cross_entropy(logits, labels)
    assert distillation_loss(logits, labels, teacher, alpha=1.0, temperature=2.0) == pytest.approx(float(ce))
    same = logits.softmax(-1)  # a teacher that agrees with the student costs nothing, at any temperature
    for t in (1.0, 3.0):
        assert float(distillation_loss(logits, labels, same, alpha=0.0, temperature=t)) == pytest.approx(0, abs=1e-6)
    assert float(distillation_loss(logits, labels, teacher, alpha=0.0, temperature=1.0)) > 0.1
    # at alpha 0 the gradient pulls the student towards the teacher, whatever the gold label says
    student = logits.clone().requires_grad_(True)
    distillation_loss(student, labels, teacher, alpha=0.0, temperature=2.0).backward()
    assert student.grad[0, 1] < 0 < student.grad[0, 0] and student.grad[1, 0] < 0 < student.grad[1, 1]


def test_teacher_probabilities_follow_label_names_and_average(tiny_models: dict[str, Path], tmp_path: Path) -> None:
    teacher = tiny_models["sentiment"]
    swapped = shutil.copytree(teacher, tmp_path / "swapped")  # same weights, the label names exchanged
    config = json.loads((swapped / "config.json").read_text())
    config["id2label"] = {"0": "POSITIVE", "1": "NEGATIVE"}
    config["label2id"] = {"POSITIVE": 0, "NEGATIVE": 1}
    (swapped / "config.json").write_text(json.dumps(config))
    labels = ["NEGATIVE", "POSITIVE"]
    one = teacher_probabilities([teacher], TEXTS, labels, max_length=16, batch_size=3)
    other = teacher_probabilities([swapped], TEXTS, labels, max_length=16)
    both = teacher_probabilities([teacher, swapped], TEXTS, labels, max_length=16)
    for a, b, mean in zip(one, other, both, strict=True):
        assert sum(a) == pytest.approx(1.0, abs=1e-5)
        assert b == pytest.approx(a[::-1], abs=1e-5)
        assert mean == pytest.approx([(x + y) / 2 for x, y in zip(a, b, strict=True)], abs=1e-5)
    with pytest.raises(DistillError, match="labels"):
        teacher_probabilities([teacher], TEXTS, ["bad", "good"], max_length=16)
    with pytest.raises(DistillError, match="not a model folder"):
        teacher_probabilities([tmp_path / "nowhere"], TEXTS, labels, max_length=16)


def test_student_learns_the_teachers_labels_not_the_gold_ones(tiny_models: dict[str, Path], tmp_path: Path) -> None:
    teacher = _train(tmp_path, tiny_models["sentiment"], _file(tmp_path, "right.tsv", False), "teacher")
    truth = ["POSITIVE"] * len(POS) + ["NEGATIVE"] * len(NEG)
    assert _predict(teacher / "model") == truth
    flipped = _file(tmp_path, "flipped.tsv", True)  # the gold labels say the opposite
    student = _train(tmp_path, tiny_models["sentiment"], flipped, "student", "--teacher", str(teacher),
                     "--distill-alpha", "0", "--temperature", "1")
    assert _predict(student / "model") == truth
    run = json.loads((student / "run_config.json").read_text())["config"]["extra"]
    assert run == {"teachers": [str(teacher)], "distill_alpha": 0.0, "temperature": 1.0}
    cached = json.loads((student / "teacher_probs.json").read_text())
    assert len(cached["probs"]) == 16 and cached["key"]["labels"] == ["NEGATIVE", "POSITIVE"]
    plain = _train(tmp_path, tiny_models["sentiment"], flipped, "plain")  # without a teacher: the gold labels
    assert _predict(plain / "model") == ["NEGATIVE"] * len(POS) + ["POSITIVE"] * len(NEG)


def test_teacher_is_refused_for_ner(tiny_models: dict[str, Path], tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["train", "ner", "--base", str(tiny_models["ner"]), "--train", str(tmp_path / "x.txt"),
                 "--out", str(tmp_path / "ner"), "--teacher", str(tiny_models["sentiment"])]) == 2
    assert "--teacher applies to sentiment, not ner" in capsys.readouterr().err


def test_unlabelled_texts_learn_from_the_teachers_only(tiny_models: dict[str, Path], tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    import torch

    logits = torch.tensor([[2.0, -1.0], [0.5, 0.3]], requires_grad=True)
    teacher = torch.tensor([[0.2, 0.8], [0.9, 0.1]])
    unlabelled = torch.tensor([-100, -100])
    loss = distillation_loss(logits, unlabelled, teacher, alpha=0.5, temperature=2.0)
    loss.backward()  # no gold label in the batch: the KL part alone, finite
    assert torch.isfinite(loss) and loss.item() > 0 and logits.grad is not None
    mixed = distillation_loss(logits, torch.tensor([0, -100]), teacher, alpha=1.0, temperature=2.0)
    assert mixed.item() == pytest.approx(torch.nn.functional.cross_entropy(logits[:1], torch.tensor([0])).item())

    teacher_run = _train(tmp_path, tiny_models["sentiment"], _file(tmp_path, "right.tsv", False), "teacher")
    valid = tmp_path / "valid.tsv"
    valid.write_text("sentence\tlabel\nnot a good film at all\t0\n", encoding="utf-8")
    extra = tmp_path / "spans.txt"  # the second line is inside the held-out sentence: dropped
    extra.write_text("a good one\n\ngood film at all\nsuch a bad one\na good one\n", encoding="utf-8")
    rc = main(["train", "sentiment", "--base", str(tiny_models["sentiment"]), "--train", str(tmp_path / "right.tsv"),
               "--valid", str(valid), "--out", str(tmp_path / "student"), "--max-steps", "3", "--no-eval",
               "--threads", "1", "--teacher", str(teacher_run), "--unlabelled", str(extra)])
    assert rc == 0
    cached = json.loads((tmp_path / "student" / "teacher_probs.json").read_text())
    assert cached["key"]["examples"] == 16 + 2 and len(cached["probs"]) == 18
    assert json.loads((tmp_path / "student" / "metrics.json").read_text())["distilled_examples"] == 18
    assert main(["train", "sentiment", "--base", str(tiny_models["sentiment"]), "--train", str(valid),
                 "--out", str(tmp_path / "x"), "--unlabelled", str(extra)]) == 2
    assert "--unlabelled needs --teacher" in capsys.readouterr().err
