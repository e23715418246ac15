"""paper-reader: a keyboard-driven terminal reader for Hugging Face Papers."""

__version__ = "0.1.0"
APP_NAME = "paper-reader"
