"""Local storage: the paper cache (re-fetchable) and the user's library (not re-fetchable). No Textual."""
