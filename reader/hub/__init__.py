"""The Hugging Face Papers API: an async client and the typed models it returns (no Textual here)."""
