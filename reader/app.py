"""The Textual App: screens, app-wide keys, theme, keymap and the one worker-error handler."""

from __future__ import annotations

import asyncio
import gc
import logging
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from pathlib import Path, PurePath
from typing import TYPE_CHECKING

from textual import events
from textual.app import App, SystemCommand
from textual.screen import Screen
from textual.theme import Theme
from textual.worker import Worker, WorkerState

from reader.commands import PaperProvider, SearchProvider, ViewProvider
from reader.config import Config, ConfigError, load_config, save_theme
from reader.controller import Clock, Controller, utc_now
from reader.hub.errors import HubError
from reader.keys import APP_KEYS, bindings
from reader.screens.main import MainScreen
from reader.store.cache import PaperCache
from reader.store.library import Library
from reader.store.locations import Locations, locations
from reader.tuning import freeze_long_lived
from reader.typeahead import KeyGate, gated

if TYPE_CHECKING:
    from reader.hub.client import PapersClient

log = logging.getLogger("reader.app")


def styles_dir() -> Path:
    """The stylesheets: ``reader/styles`` in an installed wheel, top-level ``styles/`` in a
    checkout."""
    here = Path(__file__).resolve().parent
    installed = here / "styles"
    return installed if installed.is_dir() else here.parent / "styles"


def css_paths() -> list[str | PurePath]:
    return sorted(styles_dir().glob("*.tcss"))


class PaperReaderApp(App[None]):
    """paper-reader: Hugging Face Papers in the terminal."""

    TITLE = "paper-reader"
    CSS_PATH = css_paths()
    BINDINGS = bindings(APP_KEYS)
    COMMANDS = App.COMMANDS | {PaperProvider, ViewProvider, SearchProvider}

    def __init__(
        self,
        *,
        offline: bool = False,
        client: PapersClient | None = None,
        clock: Clock = utc_now,
        where: Locations | None = None,
    ) -> None:
        super().__init__()
        self.offline = offline
        self.where = (where or locations()).ensure()
        self.config_path = self.where.config_file
        self.config: Config = load_config(self.config_path)
        self.cache = PaperCache(self.where.papers_dir)
        self.cache.derived.apart = True  # a rebuild runs beside the UI, not in its process
        self.library = Library(self.where.library_file)
        self._client = client  # made on first use: httpx takes ~60 ms to import
        self._client_lock = threading.Lock()
        self.controller = Controller(self.cache, self.library, self.config, clock=clock,
                                     config_path=self.config_path,
                                     leftovers=self.where.leftover_files,
                                     searches_path=self.where.data_dir / "searches.json")
        self._theme_ready = False
        self.key_gate = KeyGate(self, super().on_event)
        self._after_display: list[Callable[[], object]] = []

    @property
    def client(self) -> PapersClient | None:
        """The Papers API client; None with --offline. Made on first use, after the first frame
        (the network starts once every paper is loaded), so httpx's import does not delay it;
        the first refresh makes it in a thread (reader.main_screen.network), hence the lock."""
        if self.offline:
            return None
        with self._client_lock:
            if self._client is None:
                from reader.hub.client import PapersClient

                self._client = PapersClient(**self.config.network.client_options())
            return self._client

    def on_mount(self) -> None:
        if self.config.keymap:
            self.set_keymap(self.config.keymap)
        if self.config.theme in self.available_themes:
            self.theme = self.config.theme
        else:
            self.notify(f"Unknown theme {self.config.theme!r} in config.toml; using the default.",
                        severity="warning", markup=False)
        for problem in self.config.problems:
            self.notify(problem, title="config.toml", severity="warning", markup=False,
                        timeout=10)
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        self._theme_ready = True
        # Not pushed here: Textual runs this handler inside its start-up batch, which throws
        # away every frame drawn before the batch ends, and the main screen's first frame (the
        # whole layout, ~0.1 s) would be drawn and thrown away, then drawn again.
        self.call_later(self.push_screen, MainScreen(self.controller, online=not self.offline))

    def after_display(self, callback: Callable[[], object]) -> None:
        """Run ``callback`` on the UI loop once the next frame has gone to the terminal.

        Unlike ``call_after_refresh``, which waits until no repaint is pending at all (at the
        start, three frames later: focus, widths and the detail each ask for one), this waits
        for one frame only: the start-up work that must not slow the first one begins then."""
        self._after_display.append(callback)

    def post_display_hook(self) -> None:
        callbacks, self._after_display = self._after_display, []
        for callback in callbacks:
            self.call_later(callback)

    async def on_event(self, event: events.Event) -> None:
        # Keys from the terminal go through the gate: each one reaches the widget focused once
        # the key before it is handled (see reader/typeahead.py).
        if gated(event):
            await self.key_gate.on_key(event)
        else:
            await super().on_event(event)

    async def on_unmount(self) -> None:
        # Changes the user made are saved before the app goes (the writes are quick; waiting
        # here, after the last frame, costs the user nothing and loses nothing).
        await asyncio.wrap_future(self.controller.writer.drain())
        if self._client is not None:  # the app owns its client, also one handed in
            await self._client.aclose()

    def _remember_theme(self, theme: Theme) -> None:
        if not self._theme_ready or theme.name == self.config.theme:
            return
        self.config.theme = theme.name
        path, name = self.config_path, theme.name
        saved = self.controller.writer.submit(lambda: save_theme(path, name))
        self.run_worker(self._theme_saved(saved), group="save-theme", exit_on_error=False,
                        description="remember the theme")

    async def _theme_saved(self, saved: Future[None]) -> None:
        try:
            await asyncio.wrap_future(saved)
        except ConfigError as err:
            self.notify(str(err), severity="warning", markup=False)

    def action_help(self) -> None:
        # Markdown (~50 ms): not before the first frame (reader.main_screen.warmup)
        from reader.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.config.keymap))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Help", "Keys and the query language", self.action_help)
        if isinstance(screen, MainScreen):
            main = screen
            for title, help_text, action in (
                ("Refresh", "Fetch the newest papers and trending now", main.action_refresh),
                ("Search huggingface.co", "Search for the filter text",
                 main.action_remote_search),
                ("Save view", "Save the current filter as a view", main.action_save_view),
                ("Edit mute and watch rules", "Hide or highlight papers", main.action_edit_rules),
                ("Toggle muted papers", "Show or hide what mute rules hide",
                 main.action_toggle_muted),
                ("Cycle sort", "View order, date, upvotes, trending, stars",
                 main.action_cycle_sort),
                ("Toggle filter pane", "Show or hide the left pane",
                 main.action_toggle_filter_pane),
            ):
                yield SystemCommand(title, help_text, action)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place a failed worker ends up: a calm toast, never a crash."""
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        if isinstance(error, HubError):
            message = str(error)
        else:
            log.error("worker %s failed", event.worker.name, exc_info=error)
            message = f"{event.worker.description or event.worker.name} failed: {error!r}"
        self.notify(message, title="Something went wrong", severity="warning", markup=False)


def run_app(*, offline: bool) -> int:
    """Run the TUI; the exit code for the CLI."""
    # Everything imported so far lives as long as the process: move it out of the collector's
    # way, so that the collections the first frame's allocations trigger do not walk it
    # (a 30 ms pass in the middle of the first frame otherwise).
    freeze_long_lived()
    gc.enable()  # reader.__main__ turned it off for the imports
    app = PaperReaderApp(offline=offline)
    try:
        app.run()
    finally:
        app.controller.writer.close()  # whatever way the app ended: every change is saved
    return app.return_code or 0
