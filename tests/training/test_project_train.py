"""`project train`: model versions from a project's accepted documents, on tiny models and tiny projects."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bert_desk.cli.project import main
from bert_desk.engine.types import Cancelled, CancelToken
from bert_desk.project import Project, ProjectError
from bert_desk.project.versions import versions_folder
from bert_desk.training import project_data as PD
from bert_desk.training.project_train import (
    MAX_EPOCHS,
    TrainSettings,
    epochs_to_run,
    prepare_run,
    record_run,
    run_folder,
    train_run,
)
from tests.tiny_models import build_tiny_model

TEXT = "john smith works at apple in paris"
FAST = dict(epochs=1, min_steps=0, batch_size=4, max_length=32, device="cpu")


@pytest.fixture(scope="module")
def tiny_ner(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_model(tmp_path_factory.mktemp("m") / "ner", "ner")


def ner_project(path: Path, model: Path, labels: tuple[str, str] = ("person", "product"), n: int = 12) -> Project:
    """`n` accepted documents with two entity types, pre-annotated by `model` (its proposals say PER)."""
    p = Project.create(path)
    for doc in p.add_documents([f"{TEXT} {i}" for i in range(n)]):
        p.set_spans(doc, [(0, 4, "PER")], source="model", model=str(model))
        p.set_spans(doc, [(0, 10, labels[0]), (20, 25, labels[1])], source="human")
        p.set_status(doc, "ner", "accepted")
    return p


def test_new_label_set_trains_a_new_head_and_records_the_version(tmp_path: Path, tiny_ner: Path) -> None:
    events: list[dict[str, Any]] = []
    with ner_project(tmp_path / "p.bdesk", tiny_ner) as p:
        version = train_run(prepare_run(p, TrainSettings("ner", **FAST)), emit=events.append)  # type: ignore[arg-type]
        record_run(p, version)
        assert [v.name for v in p.versions.model_versions("ner")] == ["ner-v1"]
        recorded = p.versions.model_version("ner-v1")
    assert recorded.new_head and recorded.labels == ("person", "product") and recorded.previous == str(tiny_ner)
    assert (recorded.documents, recorded.held_back) == (10, 2)
    assert set(recorded.scores["new"]["labels"]) == {"person", "product"}
    assert recorded.scores["previous"]["micro"]["support"] == 4  # both models scored on the same 2 documents
    assert recorded.settings["epochs"] == 1
    folder = versions_folder(tmp_path / "p.bdesk") / "ner-v1"
    config = json.loads((folder / "config.json").read_text())
    assert sorted(config["id2label"].values()) == ["B-person", "B-product", "I-person", "I-product", "O"]
    assert config["bert_desk_word_splitter"] == "conll"
    assert "previous model vs this one" in (folder / "README.md").read_text()
    assert not run_folder(tmp_path / "p.bdesk", "ner").exists()  # the run folder is gone once complete
    progress = [e for e in events if e["event"] == "progress"]
    assert progress[-1]["step"] == progress[-1]["total"] and {"eta_s", "loss"} <= set(progress[-1])
    assert events[-1]["event"] == "done" and events[-1]["version"]["name"] == "ner-v1"


def test_known_labels_fine_tune_the_previous_head(tmp_path: Path, tiny_ner: Path) -> None:
    with ner_project(tmp_path / "p.bdesk", tiny_ner, labels=("PER", "ORG")) as p:
        version = train_run(prepare_run(p, TrainSettings("ner", **FAST)), emit=lambda e: None)
    assert not version.new_head
    config = json.loads((versions_folder(tmp_path / "p.bdesk") / version.name / "config.json").read_text())
    assert len(config["id2label"]) == 9  # the CoNLL head of the tiny model, kept


def test_hold_out_is_whole_documents_and_seeded(tmp_path: Path, tiny_ner: Path) -> None:
    with ner_project(tmp_path / "p.bdesk", tiny_ner, n=20) as p:
        a = PD.collect(p, "ner", holdout=0.25, seed=1)
        b = PD.collect(p, "ner", holdout=0.25, seed=1)
        c = PD.collect(p, "ner", holdout=0.25, seed=2)
    held = [g.doc_id for g in a.held]
    assert len(held) == 5 and not set(held) & {g.doc_id for g in a.train}
    assert len(a.train) + len(held) == 20
    assert held == [g.doc_id for g in b.held] and held != [g.doc_id for g in c.held]


def test_word_tags_follow_character_spans() -> None:
    gold = PD.Gold(1, "I love Pokémon Go!", spans=((7, 17, "product"),))
    assert PD.word_examples(gold) == [(("I", "love", "Pokémon", "Go", "!"), ("O", "O", "B-product", "I-product", "O"))]


def test_clear_errors(tmp_path: Path, tiny_ner: Path) -> None:
    with ner_project(tmp_path / "few.bdesk", tiny_ner, n=4) as p, \
            pytest.raises(ProjectError, match=r"4 accepted documents for ner; training needs at least 10 .*6 more"):
        prepare_run(p, TrainSettings("ner", **FAST))
    with ner_project(tmp_path / "p.bdesk", tiny_ner) as p:
        p.set_setting("review.labels.ner", json.dumps(["person", "product", "creative-work"]))
        with pytest.raises(ProjectError, match="label 'creative-work' has no examples"):
            prepare_run(p, TrainSettings("ner", **FAST))
    with Project.open(tmp_path / "p.bdesk", read_only=True) as p, pytest.raises(ProjectError, match="read-only"):
        prepare_run(p, TrainSettings("ner", **FAST))


def test_cancel_keeps_nothing_and_a_crash_resumes(tmp_path: Path, tiny_ner: Path) -> None:
    path = tmp_path / "p.bdesk"
    settings = TrainSettings("ner", **{**FAST, "epochs": 3}, save_steps=1)  # type: ignore[arg-type]
    cancel = CancelToken()
    with ner_project(path, tiny_ner) as p:
        run = prepare_run(p, settings)

        def cancel_at_2(event: dict[str, Any]) -> None:
            if event.get("step") == 2:
                cancel.cancel()

        with pytest.raises(Cancelled):
            train_run(run, emit=cancel_at_2, cancel=cancel)
        assert not run.exists() and not (versions_folder(path) / "ner-v1").exists()

        run = prepare_run(p, settings)

        def crash_at_3(event: dict[str, Any]) -> None:
            if event.get("step") == 3:
                raise RuntimeError("power cut")

        with pytest.raises(RuntimeError):
            train_run(run, emit=crash_at_3)
        assert any(run.glob("checkpoint-*")) and not (versions_folder(path) / "ner-v1").exists()
        steps: list[int] = []
        version = train_run(run, resume=True, emit=lambda e: steps.append(e["step"]) if "step" in e else None)
        record_run(p, version)
        assert steps[0] > 1 and steps[-1] == 9  # continued from a checkpoint, not from step 1
        assert [v.name for v in p.versions.model_versions()] == ["ner-v1"]


def test_cli_train_versions_export_delete(tmp_path: Path, tiny_ner: Path, capsys: pytest.CaptureFixture[str]) -> None:
    proj = str(tmp_path / "p.bdesk")
    ner_project(Path(proj), tiny_ner).close()
    assert main(["train", proj, "--task", "ner", "--epochs", "1", "--min-steps", "0", "--batch-size", "4", "--max-length", "32",
                 "--device", "cpu", "--out", str(tmp_path / "out")]) == 0
    out, err = capsys.readouterr()
    events = [json.loads(line) for line in out.splitlines() if line.startswith('{"event"')]
    assert events[-1]["event"] == "done" and any(e["event"] == "progress" for e in events)
    assert "previous P/R/F1" in err and (tmp_path / "out" / "config.json").is_file()
    assert main(["versions", proj, "--json"]) == 0
    assert [v["name"] for v in json.loads(capsys.readouterr().out)] == ["ner-v1"]
    assert main(["export-version", proj, "ner-v1", str(tmp_path / "exported")]) == 0
    assert (tmp_path / "exported" / "model.safetensors").is_file()
    capsys.readouterr()
    assert main(["compare-versions", proj, str(tiny_ner), "ner-v1", "--task", "ner", "--device", "cpu", "--json"]) == 0
    compared = json.loads(capsys.readouterr().out)
    assert compared["held_back"] == 2 and compared["ner-v1"]["micro"]["support"] == 4
    assert main(["delete-version", proj, "ner-v1"]) == 0
    assert not (versions_folder(proj) / "ner-v1").exists()
    assert main(["export-version", proj, "ner-v1", str(tmp_path / "x")]) == 2
    assert "no model version 'ner-v1'" in capsys.readouterr().err


def test_sentiment_version(tmp_path: Path) -> None:
    model = build_tiny_model(tmp_path / "sent", "sentiment")
    with Project.create(tmp_path / "s.bdesk") as p:
        for i, doc in enumerate(p.add_documents([f"a {'good' if i % 2 else 'bad'} film {i}" for i in range(12)])):
            p.set_label(doc, "POSITIVE" if i % 2 else "NEGATIVE", source="human")
            p.set_status(doc, "sentiment", "accepted")
        version = train_run(prepare_run(p, TrainSettings("sentiment", base=str(model), **FAST)),
                            emit=lambda e: None)
    assert not version.new_head and set(version.scores["new"]["labels"]) == {"NEGATIVE", "POSITIVE"}
    assert version.previous is None and version.scores["previous"] is None


def test_corpus_to_model_end_to_end(tmp_path: Path, tiny_ner: Path, capsys: pytest.CaptureFixture[str],
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """create -> import --status accepted -> train (a new label set) -> `bert-desk ner --model DIR`."""
    import io
    import sys

    from bert_desk.cli import main as bert_desk

    corpus = tmp_path / "c.conll"
    sentence = "john\tB-person\nsmith\tI-person\nworks\tO\nat\tO\napple\tB-corporation\n\n"
    corpus.write_text(sentence * 12, encoding="utf-8")
    proj, out = str(tmp_path / "c.bdesk"), str(tmp_path / "model")
    assert main(["create", proj]) == 0
    assert main(["import", proj, str(corpus), "--format", "conll", "--status", "accepted"]) == 0
    assert main(["train", proj, "--task", "ner", "--base", str(tiny_ner), "--epochs", "1", "--min-steps", "0", "--batch-size", "4",
                 "--max-length", "32", "--device", "cpu", "--out", out]) == 0
    capsys.readouterr()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"john smith works at apple\n")))
    assert bert_desk(["ner", "--model", out]) == 0
    (row,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert row["text"] == "john smith works at apple"
    assert {s["label"] for s in row["spans"]} <= {"person", "corporation"}


def test_a_small_project_trains_for_more_epochs_to_take_the_minimum_steps() -> None:
    """50 documents in batches of 16 are 3 steps an epoch: 6 epochs taught the model nothing (F1 0 on WNUT)."""
    settings = TrainSettings("ner", epochs=6, min_steps=150)
    assert epochs_to_run(settings, per_epoch=3) == MAX_EPOCHS  # 150 / 3 = 50
    assert epochs_to_run(settings, per_epoch=10) == 15
    assert epochs_to_run(settings, per_epoch=100) == 6  # a large project keeps the epochs asked for
    assert epochs_to_run(TrainSettings("ner", epochs=2, min_steps=0), per_epoch=1) == 2
