"""Textual widgets of the reader: paper list, detail pane, filter pane and status line."""
