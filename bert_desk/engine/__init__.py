"""Qt-free inference engine: loading, sentiment, QA, NER, offsets, colours and HTML rendering.

Heavy libraries (torch, transformers, spaCy) are imported lazily inside functions.
"""
