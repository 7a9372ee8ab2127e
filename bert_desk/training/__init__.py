"""Fine-tuning pipeline (Qt-free): readers, metrics, training, evaluation and export."""
