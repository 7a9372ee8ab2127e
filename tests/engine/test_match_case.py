"""Fill-mask guesses of an uncased model take the case of the word they replace, or of the sentence start."""

from __future__ import annotations

from bert_desk.engine.pretrain import FillMaskResult, MaskCandidate, MaskPrediction, filled_text, match_case


def test_match_case() -> None:
    assert match_case("london", "I saw [MASK] today", 6, "Paris") == "London"
    assert match_case("esa", "[MASK] flew", 0, "NASA") == "ESA"
    assert match_case("a", "Then [MASK] cat", 5, "A") == "A"  # a one-letter capital is a capital, not caps
    assert match_case("paris", "[MASK] is big", 0) == "Paris"  # the sentence's start
    assert match_case("paris", "It rained. [MASK] is big", 11) == "Paris"
    assert match_case("paris", "I saw [MASK] today", 6) == "paris"
    assert match_case("iPhone", "[MASK] sold", 0, "phones") == "iPhone"  # a cased model's guess is kept
    assert match_case("", "[MASK]", 0) == ""


def test_filled_text_cases_each_guess_and_joins_word_pieces() -> None:
    text = "[MASK] visited [MASK] and walk [MASK] ."
    masks = (MaskPrediction(0, 6, (MaskCandidate("she", "she", 1, 0.9),)),
             MaskPrediction(15, 21, (MaskCandidate("paris", "paris", 2, 0.8),)),
             MaskPrediction(31, 37, (MaskCandidate("##ed", "ed", 3, 0.7),)))
    assert filled_text(text, masks) == "She visited paris and walked ."
    assert filled_text(text, masks, {15: "Rome"}) == "She visited Paris and walked ."
    assert FillMaskResult(text, masks, filled_text(text, masks)).filled.startswith("She")
