"""Fill-mask, next-sentence prediction and the corruption rule on tiny pre-training checkpoints."""

from __future__ import annotations

from pathlib import Path

import pytest

from bert_desk.engine import loading, pretrain, registry
from bert_desk.engine.types import EngineError, ModelLoadError


def _biased_pretrain(folder: Path, token: str, is_next: bool) -> Path:
    """A tiny BertForPreTraining whose MLM bias makes `token` win and whose NSP bias picks `is_next`."""
    import torch
    from transformers import BertForPreTraining, BertTokenizerFast

    from tests.tiny_models import build_tiny_model

    build_tiny_model(folder, "pretrain")
    model = BertForPreTraining.from_pretrained(folder)
    token_id = BertTokenizerFast.from_pretrained(folder).convert_tokens_to_ids(token)
    with torch.no_grad():
        model.cls.predictions.bias.zero_()
        model.cls.predictions.bias[token_id] = 40.0
        model.cls.seq_relationship.weight.zero_()
        model.cls.seq_relationship.bias.copy_(torch.tensor([8.0, -8.0] if is_next else [-8.0, 8.0]))
    model.save_pretrained(folder)
    return folder


def _masked_lm_only(folder: Path, source: Path) -> Path:
    from transformers import BertConfig, BertForMaskedLM, BertTokenizerFast

    BertForMaskedLM(BertConfig.from_pretrained(source)).save_pretrained(folder)
    BertTokenizerFast.from_pretrained(source).save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from tests.tiny_models import build_tiny_model

    root = tmp_path_factory.mktemp("pretrain_engine")
    pt = build_tiny_model(root / "pt", "pretrain")
    return {"pt": pt, "biased": _biased_pretrain(root / "biased", "paris", is_next=True),
            "mlm": _masked_lm_only(root / "mlm", pt), "qa": build_tiny_model(root / "qa", "qa"),
            "piece": _biased_pretrain(root / "piece", "##s", is_next=False)}


def test_fill_mask_candidates_for_every_mask(folders: dict[str, Path]) -> None:
    model = loading.load_model(str(folders["pt"]), "fill-mask", device="cpu")
    text = "the film was [MASK] and [mask] ."
    result = pretrain.fill_mask(model, text, top_k=4)
    assert [text[m.start:m.end] for m in result.masks] == ["[MASK]", "[mask]"]
    for mask in result.masks:
        scores = [c.score for c in mask.candidates]
        assert len(scores) == 4 and scores == sorted(scores, reverse=True)
        assert 0.0 < sum(scores) <= 1.0 + 1e-6
        assert all(isinstance(c.token, str) and c.token_id >= 0 for c in mask.candidates)
    assert "[MASK]" not in result.filled and result.filled.startswith("the film was")
    via_registry = registry.get("fill-mask").single(model, text, top_k=2)
    assert [len(m.candidates) for m in via_registry.masks] == [2, 2]


def test_fill_mask_and_nsp_follow_the_heads(folders: dict[str, Path]) -> None:
    mlm = loading.load_model(str(folders["biased"]), "fill-mask", device="cpu")
    result = pretrain.fill_mask(mlm, "angela merkel visited [MASK] .", top_k=3)
    best = result.masks[0].candidates[0]
    assert best.token == "paris" and best.score > 0.99
    assert result.filled == "angela merkel visited paris ."
    nsp = loading.load_model(str(folders["biased"]), "next-sentence", device="cpu")
    verdict = pretrain.next_sentence(nsp, "the team won the game .", "it was a great day .")
    assert verdict.is_next > 0.99 and not verdict.truncated
    assert registry.get("next-sentence").single(nsp, "a", "b").is_next > 0.99


def test_word_pieces_join_the_word_before(folders: dict[str, Path]) -> None:
    model = loading.load_model(str(folders["piece"]), "fill-mask", device="cpu")
    result = pretrain.fill_mask(model, "two film [MASK] .")
    best = result.masks[0].candidates[0]
    assert (best.token, best.text) == ("##s", "s")
    assert result.filled == "two films ."
    nsp = loading.load_model(str(folders["piece"]), "next-sentence", device="cpu")
    assert pretrain.next_sentence(nsp, "the team won .", "paris .").is_next < 0.01


def test_nsp_is_a_probability_and_order_matters(folders: dict[str, Path]) -> None:
    model = loading.load_model(str(folders["pt"]), "next-sentence", device="cpu")
    a, b = "john smith works at google .", "the team lost the game in new york city ."
    forward, backward = pretrain.next_sentence(model, a, b), pretrain.next_sentence(model, b, a)
    assert 0.0 <= forward.is_next <= 1.0 and 0.0 <= backward.is_next <= 1.0
    assert forward.is_next != backward.is_next
    long = " ".join(["the film"] * 60)
    assert pretrain.next_sentence(model, long, long).truncated
    with pytest.raises(EngineError, match="two sentences"):
        pretrain.next_sentence(model, "a", "  ")


def test_fill_mask_input_errors(folders: dict[str, Path]) -> None:
    model = loading.load_model(str(folders["pt"]), "fill-mask", device="cpu")
    with pytest.raises(EngineError, match=r"No \[MASK\]"):
        pretrain.fill_mask(model, "no mask here")
    with pytest.raises(EngineError, match="too long"):
        pretrain.fill_mask(model, "[MASK] " + "the film " * 60)


def test_missing_heads_are_one_line_errors(folders: dict[str, Path]) -> None:
    assert pretrain.fill_mask(loading.load_model(str(folders["mlm"]), "fill-mask", device="cpu"),
                              "a [MASK] film").masks
    with pytest.raises(ModelLoadError) as nsp_missing:
        loading.load_model(str(folders["mlm"]), "next-sentence", device="cpu")
    message = str(nsp_missing.value)
    assert "\n" not in message and "next-sentence prediction (NSP) head" in message
    assert "cls.seq_relationship" in message
    with pytest.raises(ModelLoadError, match=r"no trained masked-LM \(fill-mask\) head"):
        loading.load_model(str(folders["qa"]), "fill-mask", device="cpu")


def test_corrupt_is_seeded_and_marks_kinds(folders: dict[str, Path]) -> None:
    model = loading.load_model(str(folders["pt"]), "fill-mask", device="cpu")
    text = " ".join(["the good film was moving and the bad movie was boring ."] * 4)
    first = pretrain.corrupt(model, text, seed=3)
    assert first == pretrain.corrupt(model, text, seed=3)
    others = [pretrain.corrupt(model, text, seed=s) for s in range(4, 12)]
    assert any(o.tokens != first.tokens for o in others)
    every = [t for r in [first, *others] for t in r.tokens]
    assert {t.kind for t in every} <= {"", *pretrain.KINDS}
    assert 0.05 < sum(bool(t.kind) for t in every) / len(every) < 0.3
    for token in first.tokens:
        assert text[token.start:token.end].lower() == token.original.removeprefix("##")
        if token.kind == "masked":
            assert token.shown == "[MASK]"
        elif token.kind in ("", "unchanged"):
            assert token.shown == token.original
        else:
            assert token.shown != token.original
    assert first.selected == sum(first.count(k) for k in pretrain.KINDS)
    typed = " ".join(["the [MASK] film was moving ."] * 6)
    for seed in range(6):  # a [MASK] already in the text is never selected
        assert all(not t.kind for t in pretrain.corrupt(model, typed, seed=seed).tokens if t.original == "[MASK]")
