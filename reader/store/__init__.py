"""Local storage: the paper cache (re-fetchable) and the library (not re-fetchable). No Textual."""
