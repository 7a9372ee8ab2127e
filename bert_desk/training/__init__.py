"""Fine-tuning pipeline (Qt-free): readers, metrics, training, evaluation and export."""


def missing_training_libraries() -> str | None:
    """None when fine-tuning can run here; else what is missing and how to get it. Training needs the
    `train` extra (accelerate for transformers' Trainer): a plain install and the desktop bundle built
    without `--with-training` do not have it."""
    from importlib.util import find_spec

    missing = [name for name in ("accelerate",) if find_spec(name) is None]
    if not missing:
        return None
    return (f"Training needs {', '.join(missing)}, which this installation does not have: install bert-desk with "
            "its training extra (pip install 'bert-desk[train]'), or use an installer built --with-training.")
