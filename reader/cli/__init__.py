"""The headless command line: one module per sub-command, wired together by ``reader.__main__``."""
