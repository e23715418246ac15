"""The main screen's helpers (reader.screens.main composes them): the loading pipeline, the
network, the actions on a paper, on the library and on exports, and downloads. None is a screen.
"""
