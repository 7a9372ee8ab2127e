"""Build tiny random BERT checkpoints on disk for tests (no network, a second or so each)."""

from __future__ import annotations

from pathlib import Path

WORDS = ["the", "a", "an", "of", "to", "and", "in", "is", "was", "it", "this", "that", "film", "movie", "good", "bad", "great", "awful", "not", "very", "moving", "beautifully", "acted", "boring", "angela", "merkel", "visited", "paris", "berlin", "london", "john", "smith", "works", "at", "google", "apple", "new", "york", "city", "what", "who", "where", "when", "how", "did", "does", "play", "plays", "team", "won", "lost", "game", "year", "day", ".", ",", "!", "?", "'", '"', "-", "(", ")", ":", ";", "1", "2", "3", "4", "5", "6", "7", "8", "9", "0"]

NER_LABELS = ("O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC", "I-MISC")


def write_vocab(folder: Path) -> Path:
    """Write a small WordPiece vocab (specials, words, single characters and ## pieces)."""
    chars = list("abcdefghijklmnopqrstuvwxyz0123456789")
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *WORDS, *chars, *("##" + c for c in chars)]
    seen: dict[str, None] = dict.fromkeys(tokens)
    path = folder / "vocab.txt"
    path.write_text("\n".join(seen) + "\n", encoding="utf-8")
    return path


def build_tiny_model(folder: Path, task: str, labels: tuple[str, ...] | None = None, seed: int = 0,
                     max_positions: int = 64) -> Path:
    """Save a tiny random BERT for `task` (sentiment, qa, ner, pretrain) into `folder`."""
    import torch
    from transformers import (
        BertConfig,
        BertForPreTraining,
        BertForQuestionAnswering,
        BertForSequenceClassification,
        BertForTokenClassification,
        BertTokenizerFast,
    )

    folder.mkdir(parents=True, exist_ok=True)
    vocab = write_vocab(folder)
    tokenizer = BertTokenizerFast(vocab=str(vocab))
    if labels is None:
        labels = {"sentiment": ("NEGATIVE", "POSITIVE"), "ner": NER_LABELS}.get(task, ())
    kwargs = {}
    if labels:
        kwargs = {"id2label": dict(enumerate(labels)), "label2id": {lab: i for i, lab in enumerate(labels)}}
    config = BertConfig(
        vocab_size=len(tokenizer.get_vocab()),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=max_positions,
        **kwargs,
    )
    torch.manual_seed(seed)
    cls = {
        "sentiment": BertForSequenceClassification,
        "qa": BertForQuestionAnswering,
        "ner": BertForTokenClassification,
        "pretrain": BertForPreTraining,
    }[task]
    model = cls(config)
    model.save_pretrained(folder)
    tokenizer.model_max_length = max_positions
    tokenizer.save_pretrained(folder)
    return folder
