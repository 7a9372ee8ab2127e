"""bert_desk: BERT-family models on a reviewer's desk."""

__version__ = "0.1.0"
