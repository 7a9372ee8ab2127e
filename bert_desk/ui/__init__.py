"""Qt desktop UI: one module per tab, small reusable widgets, dialogs and the main window (wiring)."""
