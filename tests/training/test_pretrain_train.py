"""Pre-training smoke test: heads added to a bare encoder, MLM + NSP loss, held-out scores, resume, the app loads it."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from bert_desk.cli import main
from tests.tiny_models import WORDS

PLAIN = [w for w in WORDS if w.isalpha()]


def corpus(tmp_path: Path, docs: int = 40) -> Path:
    rng = random.Random(0)
    blocks = []
    for _ in range(docs):
        sentences = [" ".join(rng.choice(PLAIN) for _ in range(rng.randint(3, 8))).capitalize() + "."
                     for _ in range(rng.randint(2, 5))]
        blocks.append(" ".join(sentences))
    path = tmp_path / "corpus.txt"
    path.write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def bare_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny `BertModel` without any head (like MiniLM)."""
    from transformers import BertModel, BertTokenizerFast

    from tests.tiny_models import build_tiny_model

    root = tmp_path_factory.mktemp("bare")
    source = build_tiny_model(root / "pt", "pretrain")
    BertModel.from_pretrained(source).save_pretrained(root / "bare")
    BertTokenizerFast.from_pretrained(source).save_pretrained(root / "bare")
    return root / "bare"


def test_heads_are_added_and_tied(bare_base: Path) -> None:
    from bert_desk.training.pretrain_train import load_pretraining_model

    model = load_pretraining_model(str(bare_base))
    assert type(model).__name__ == "BertForPreTraining"
    assert model.cls.predictions.decoder.weight.data_ptr() == model.bert.embeddings.word_embeddings.weight.data_ptr()


def test_pretrain_cli_trains_scores_resumes_and_loads(bare_base: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    text = corpus(tmp_path)
    run = tmp_path / "run"
    args = ["train", "pretrain", "--base", str(bare_base), "--corpus", str(text), "--out", str(run),
            "--batch-size", "8", "--lr", "5e-3", "--warmup", "0", "--max-length", "32", "--holdout-articles",
            "0.2", "--logging-steps", "1", "--save-steps", "4", "--threads", "1", "--eval-sequences", "64",
            "--bf16"]
    assert main([*args, "--max-steps", "8"]) == 0
    assert "masked-token top-1" in capsys.readouterr().out
    metrics = json.loads((run / "metrics.json").read_text())
    assert metrics["global_step"] == 8 and metrics["valid_documents"] == 8
    check = metrics["collator_check"]
    assert 0.08 < check["selected"] < 0.22 and check["special_selected"] == 0
    assert 0.3 < metrics["nsp_random_share"] < 0.7
    valid = metrics["valid"]
    assert valid["pairs"] > 0 and valid["masked_tokens"] > 0
    assert 0.0 <= valid["masked_token_accuracy"] <= 1.0 and 0.0 <= valid["nsp_accuracy"] <= 1.0
    losses = [r["loss"] for r in map(json.loads, (run / "train_log.jsonl").read_text().splitlines()) if "loss" in r]
    assert len(losses) == 8 and min(losses[-3:]) < losses[0]  # MLM + NSP loss falls from its random start
    assert json.loads((run / "model" / "config.json").read_text())["architectures"] == ["BertForPreTraining"]
    assert_evaluate_reproduces(run / "checkpoint-8", text, valid, capsys, tmp_path)

    assert main([*args, "--max-steps", "10", "--resume"]) == 0
    resumed = json.loads((run / "metrics.json").read_text())
    assert resumed["resumed_from"].endswith("checkpoint-8") and resumed["global_step"] == 10
    assert resumed["config"]["extra"]["bf16"] is True

    from bert_desk.engine import loading, pretrain

    folder = str(run / "model")
    filled = pretrain.fill_mask(loading.load_model(folder, "fill-mask", device="cpu"), "the [MASK] won .")
    assert len(filled.masks) == 1
    nsp = pretrain.next_sentence(loading.load_model(folder, "next-sentence", device="cpu"), "the team", "won")
    assert 0.0 <= nsp.is_next <= 1.0

    import shutil

    from bert_desk.training.qa_pretrain_export import export_run

    shutil.rmtree(run / "model")  # as if stopped early: export the latest checkpoint
    dest = export_run(run, tmp_path / "bundled")
    assert (run / "model-from-checkpoint" / "config.json").is_file()
    assert "masked-token top-1" in (dest / "README.md").read_text()
    assert json.loads((dest / "config.json").read_text())["architectures"] == ["BertForPreTraining"]


def assert_evaluate_reproduces(checkpoint: Path, text: Path, valid: dict, capsys: pytest.CaptureFixture[str],
                               tmp_path: Path) -> None:
    """`evaluate pretrain` with the run's fraction, seed and limits scores the very pairs and masks the run
    scored (same figures from the fp32 checkpoint); a masked-LM-only copy gets the same masked-LM figures and
    no NSP score; a checkpoint without a masked-LM head is refused with an error line."""
    from transformers import BertForMaskedLM, BertTokenizerFast

    command = ["evaluate", "pretrain", "--data", str(text), "--holdout-articles", "0.2", "--limit", "64",
               "--max-length", "32", "--threads", "1", "--json"]
    capsys.readouterr()
    assert main([*command, "--model", str(checkpoint)]) == 0
    scores = json.loads(capsys.readouterr().out)
    for key in ("pairs", "masked_tokens", "masked_token_accuracy", "selected_token_accuracy", "nsp_accuracy"):
        assert scores[key] == valid[key], key
    assert scores["loss"] == pytest.approx(valid["loss"], rel=1e-4)

    mlm_only = tmp_path / "mlm-only"
    BertForMaskedLM.from_pretrained(checkpoint).save_pretrained(mlm_only)
    BertTokenizerFast.from_pretrained(checkpoint).save_pretrained(mlm_only)
    assert main([*command, "--model", str(mlm_only)]) == 0
    partial = json.loads(capsys.readouterr().out)
    assert "nsp_accuracy" not in partial
    assert partial["masked_token_accuracy"] == valid["masked_token_accuracy"]
    assert main([*command[:-1], "--model", str(mlm_only)]) == 0
    assert "no NSP head" in capsys.readouterr().out

    bare = tmp_path / "bare-copy"
    from transformers import BertModel

    BertModel.from_pretrained(checkpoint).save_pretrained(bare)
    BertTokenizerFast.from_pretrained(checkpoint).save_pretrained(bare)
    assert main([*command, "--model", str(bare)]) == 2
    assert "error:" in capsys.readouterr().err


def test_pretrain_on_squad_contexts_holds_out_articles(bare_base: Path, tmp_path: Path) -> None:
    from bert_desk.training.pretrain_train import train_pretrain
    from bert_desk.training.runner import TrainConfig

    rng = random.Random(1)
    data = {"data": [{"title": f"T{a}", "paragraphs": [
        {"context": " ".join(" ".join(rng.choice(PLAIN) for _ in range(6)) + "." for _ in range(4)), "qas": []}
        for _ in range(3)]} for a in range(10)], "version": "1.1"}
    squad = tmp_path / "squad.json"
    squad.write_text(json.dumps(data), encoding="utf-8")
    cfg = TrainConfig(task="pretrain", base=str(bare_base), train="", out=str(tmp_path / "run"), max_steps=2,
                      batch_size=8, max_length=32, threads=1, logging_steps=1, save_steps=50,
                      extra={"corpus": [str(squad)], "holdout_articles": 0.2, "eval_sequences": 16})
    summary = train_pretrain(cfg)
    held = json.loads((tmp_path / "run" / "valid_groups.json").read_text())
    assert [g.split(":")[1] for g in held] and len(held) == 2
    assert summary["valid_documents"] == 6 and summary["train_documents"] == 24


def test_pretrain_needs_a_corpus(bare_base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["train", "pretrain", "--base", str(bare_base), "--out", str(tmp_path / "r")]) == 2
    assert "--corpus" in capsys.readouterr().err


def test_sparse_loss_equals_bert_for_pretraining_loss(bare_base: Path) -> None:
    import torch

    from bert_desk.engine.pretrain import mlm_collator
    from bert_desk.training import pretrain_data as P
    from bert_desk.training.pretrain_train import load_pretraining_model, sparse_pretraining_loss

    model = load_pretraining_model(str(bare_base)).eval()
    from transformers import BertTokenizerFast

    tok = BertTokenizerFast.from_pretrained(bare_base)
    pairs = [P.NSPPair(tuple(range(10, 10 + n)), tuple(range(40, 40 + n)), n % 2 == 0, 0, 0) for n in range(3, 12)]
    batch = mlm_collator(tok, seed=0)([P.encode_pair(p, tok.cls_token_id, tok.sep_token_id) for p in pairs])
    batch.pop("special_tokens_mask", None)
    with torch.no_grad():
        assert float(sparse_pretraining_loss(model, batch)) == pytest.approx(float(model(**batch).loss), rel=1e-5)


def test_split_heads_of_one_checkpoint_share_one_encoder_pass(bare_base: Path, tmp_path: Path) -> None:
    """`evaluate pretrain` loads a checkpoint's masked-LM and NSP heads as two models; when their encoders hold
    the same weights one encoder pass scores both, with the figures of the joint BertForPreTraining model.
    Encoders that differ are each run on their own. Progress ends at 1.0 with the number of pairs."""
    import torch
    from transformers import BertForMaskedLM, BertForNextSentencePrediction, BertTokenizerFast

    from bert_desk.training import pretrain_data as P
    from bert_desk.training.pretrain_eval import evaluate_batches, masked_batches
    from bert_desk.training.pretrain_train import load_pretraining_model

    joint = load_pretraining_model(str(bare_base)).eval()
    joint.save_pretrained(tmp_path / "ckpt")
    tok = BertTokenizerFast.from_pretrained(bare_base)
    pairs = [P.NSPPair(tuple(range(10, 10 + n)), tuple(range(40, 40 + n)), n % 2 == 0, 0, 0) for n in range(3, 30)]
    batches = masked_batches(tok, [P.encode_pair(p, tok.cls_token_id, tok.sep_token_id) for p in pairs], 16, 0)
    expected = evaluate_batches(joint, batches, tok.mask_token_id)

    mlm = BertForMaskedLM.from_pretrained(tmp_path / "ckpt")
    nsp = BertForNextSentencePrediction.from_pretrained(tmp_path / "ckpt")
    calls = {"mlm": 0, "nsp": 0}
    mlm.bert.encoder.register_forward_hook(lambda *_: calls.__setitem__("mlm", calls["mlm"] + 1))
    nsp.bert.encoder.register_forward_hook(lambda *_: calls.__setitem__("nsp", calls["nsp"] + 1))
    seen: list[tuple[float, str]] = []
    split = evaluate_batches(mlm, batches, tok.mask_token_id, nsp_model=nsp,
                             progress=lambda f, m: seen.append((f, m)))
    assert calls == {"mlm": 0, "nsp": len(batches)} and len(batches) == 2
    for key in ("masked_token_accuracy", "selected_token_accuracy", "nsp_accuracy", "pairs"):
        assert split[key] == expected[key], key
    assert split["loss"] == pytest.approx(expected["loss"], rel=1e-5)
    assert seen[-1] == (1.0, f"pairs {len(pairs)}/{len(pairs)}")

    with torch.no_grad():
        nsp.bert.encoder.layer[0].output.dense.weight.add_(0.05)  # another checkpoint's encoder
    calls.update(mlm=0, nsp=0)
    apart = evaluate_batches(mlm, batches, tok.mask_token_id, nsp_model=nsp)
    assert calls == {"mlm": len(batches), "nsp": len(batches)}
    assert apart["masked_token_accuracy"] == expected["masked_token_accuracy"] and "nsp_accuracy" in apart
