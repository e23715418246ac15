"""The UI never waits on the disk: every write the app makes runs off the event loop's thread,
and the app waits for the library writes still pending before it exits."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from reader.screens.library_dialogs import NoteDialog, TagDialog
from reader.screens.main import MainScreen
from reader.store import library as library_module
from reader.store.cache import PaperCache
from reader.store.library import Library
from reader.store.locations import locations
from reader.store.storage import read_db
from reader.widgets.document_view import DocumentView
from tests.fakehub import Corpus, FakeHub
from tests.tui.conftest import DiskWrites, fill_cache, settle
from tests.tui.test_app_start import main
from tests.tui.test_reading import open_paper, reading


@pytest.fixture(autouse=True)
def no_editor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)


def written(writes: DiskWrites, name: str) -> bool:
    """True if a file called ``name`` was written (off the UI thread, as the test asserts)."""
    return f"file {name}" in writes.off_ui_thread()


async def test_library_changes_are_written_off_the_ui_thread(
        corpus: Corpus, make_app: Any, disk_writes: DiskWrites) -> None:
    fill_cache(corpus)
    app = make_app(None)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        pid = screen.paper_list.cursor_id
        assert pid is not None
        disk_writes.clear()
        await pilot.press("b", "m")
        await settle(pilot)
        await pilot.press("number_sign")
        await settle(pilot)
        assert isinstance(app.screen, TagDialog)
        await pilot.press("t", "o", "d", "o", "enter")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, NoteDialog)
        app.screen.query_one("#note-text").text = "a note"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert disk_writes.on_ui_thread() == []
        assert written(disk_writes, "library.json")
        state = screen.controller.state
        assert pid in state.bookmarks and pid in state.read
        assert state.tags[pid] == ("todo",) and state.notes[pid] == "a note"
    saved = Library(locations().library_file).snapshot()
    assert pid in saved.bookmarks and pid in saved.read
    assert saved.tags[pid] == ("todo",) and saved.notes[pid] == "a note"


async def test_the_mark_shows_before_the_write_ends_and_quit_waits_for_it(
        corpus: Corpus, make_app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    fill_cache(corpus)
    real_save = library_module.Library._save
    disk = threading.Event()  # a stuck disk, until the test lets it go

    def slow_save(self: Library) -> None:
        disk.wait(30)
        real_save(self)

    app = make_app(None)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        pid = screen.paper_list.cursor_id
        assert pid is not None
        monkeypatch.setattr(library_module.Library, "_save", slow_save)
        await pilot.press("b", "j", "b")
        second = screen.paper_list.cursor_id
        assert second is not None and second != pid
        await pilot.pause()
        # Shown at once, while the writer thread still waits for the disk.
        assert screen.controller.writer.pending > 0
        assert screen.controller.state.is_bookmarked(pid)
        assert screen.controller.state.is_bookmarked(second)
        threading.Timer(0.3, disk.set).start()  # the disk comes back as the app quits
        await pilot.press("q")
    # No settle: the app exits with writes pending, and must have waited for them. The file is
    # read as it is, without the library's lock (which a write still running would hold).
    saved = read_db(locations().library_file, kind="library") or {}
    marked = {doc["id"] for doc in saved.get("bookmarks", {}).values()}
    assert {pid, second} <= marked


async def test_a_refused_library_write_is_said_and_undone_on_screen(
        corpus: Corpus, make_app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    fill_cache(corpus)

    def full_disk(self: Library) -> None:
        raise OSError(28, "No space left on device")

    app = make_app(None)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        pid = screen.paper_list.cursor_id
        assert pid is not None
        monkeypatch.setattr(library_module.Library, "_save", full_disk)
        await pilot.press("b")
        await settle(pilot)
        assert not screen.controller.state.is_bookmarked(pid)  # as on disk again
        assert any("No space left on device" in str(n.message) for n in app._notifications)
    assert pid not in Library(locations().library_file).snapshot().bookmarks


async def test_refresh_search_and_linked_repos_write_off_the_ui_thread(
        hf_endpoint: FakeHub, make_app: Any, disk_writes: DiskWrites) -> None:
    corpus = hf_endpoint.corpus
    dates = corpus.dates()
    fill_cache(corpus, days=dates[:-2], trending=False)  # the refresh brings the newest days
    old = corpus.items_on(dates[0])[0]["paper"]
    app = make_app(hf_endpoint.url)
    disk_writes.clear()  # filling the cache and a first config.toml: before the app runs
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        screen = main(app)
        assert written(disk_writes, "index.json")  # the refresh merged and wrote the shards
        assert any(w.startswith("file 26") for w in disk_writes.off_ui_thread())
        assert disk_writes.on_ui_thread() == []
        disk_writes.clear()
        # A remote search: its hits are merged into the cache.
        await pilot.press("slash")
        screen.filter_pane.set_text("?" + old["title"])
        await pilot.press("enter")
        await settle(pilot)
        assert screen.view_key == "search"
        assert written(disk_writes, "searches.json")
        assert disk_writes.on_ui_thread() == []
        # Linked repos: fetched when a paper is opened, saved in linked.json.
        pid = screen.paper_list.cursor_id
        assert pid is not None
        await pilot.press("enter")
        await settle(pilot)
        assert written(disk_writes, "linked.json")
        assert disk_writes.on_ui_thread() == []
    assert PaperCache(locations().papers_dir).linked_get(pid) is not None


async def test_the_reload_after_a_refresh_and_its_counts_run_without_the_collector(
        hf_endpoint: FakeHub, make_app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The reload after a refresh and the rules and counts that follow walk every paper in
    threads: a full collection on the way held the interpreter lock, and the UI, for ~0.1 s
    at 100k papers. They run with the collector paused, and it comes back after."""
    import gc

    import reader.main_screen.loader as loader_module
    from reader.controller import Controller

    corpus = hf_endpoint.corpus
    fill_cache(corpus, days=corpus.dates()[:-2], trending=False)
    seen: dict[str, list[tuple[bool, bool]]] = {"reload": [], "compute_marks": [], "counts": []}
    frozen: list[tuple[bool, bool]] = []
    real_freeze = loader_module.freeze_long_lived

    def freeze() -> None:  # what the pause made is frozen before the collector comes back
        frozen.append((threading.current_thread() is threading.main_thread(), gc.isenabled()))
        real_freeze()

    monkeypatch.setattr(loader_module, "freeze_long_lived", freeze)
    for name, calls in seen.items():
        real = getattr(Controller, name)

        def spy(self: Controller, *args: Any, _real: Any = real, _calls: Any = calls) -> Any:
            on_ui = threading.current_thread() is threading.main_thread()
            _calls.append((on_ui, gc.isenabled()))
            return _real(self, *args)

        monkeypatch.setattr(Controller, name, spy)
    app = make_app(hf_endpoint.url)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        assert main(app).net.online is True  # the refresh merged, then the reload came
        assert seen["reload"] and seen["compute_marks"] and seen["counts"]
        assert all(calls == [(False, False)] * len(calls) for calls in seen.values()), seen
        assert not any(on_ui for on_ui, _ in frozen), frozen
        # the reload's and each run of the rules', before the collector comes back (the first
        # load's comes after its load, which pauses nothing)
        assert sum(1 for _, enabled in frozen if not enabled) >= 2, frozen
        assert gc.isenabled()


async def test_reading_position_is_written_off_the_ui_thread(
        hf_endpoint: FakeHub, make_app: Any, disk_writes: DiskWrites) -> None:
    corpus = hf_endpoint.corpus
    pid = corpus.long_id
    fill_cache(corpus, days=corpus.dates()[-1:])
    app = make_app(hf_endpoint.url)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        await open_paper(pilot, pid)
        await pilot.press("d")  # download the full text
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        view = reading(app).query_one(DocumentView)
        assert reading(app).loaded
        disk_writes.clear()
        await pilot.press("pagedown", "pagedown")
        await pilot.pause()
        place = view.position()
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert written(disk_writes, "reading.json")
        assert disk_writes.on_ui_thread() == []
    from reader.store.positions import Positions

    saved = Positions(locations().data_dir / "reading.json").get(pid)
    assert saved is not None and (saved.block, saved.offset) == place


async def test_the_client_and_httpx_first_request_imports_are_made_off_the_ui_thread(
        hf_endpoint: FakeHub, disk_writes: DiskWrites, monkeypatch: pytest.MonkeyPatch) -> None:
    """httpx's import, its client (an SSL context) and what its first request imports take
    ~0.2 s: the first refresh has them done in a thread, and the refresh works after."""
    from reader.app import PaperReaderApp
    from reader.hub import client as client_module
    from tests.tui.conftest import clock

    seen: list[tuple[str, str]] = []
    made, preload = client_module.PapersClient.__init__, client_module.preload_http

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        seen.append(("client", threading.current_thread().name))
        made(self, *args, **kwargs)

    def preloaded() -> None:
        seen.append(("preload", threading.current_thread().name))
        preload()

    monkeypatch.setattr(client_module.PapersClient, "__init__", init)
    monkeypatch.setattr(client_module, "preload_http", preloaded)
    corpus = hf_endpoint.corpus
    fill_cache(corpus, days=corpus.dates()[:-2], trending=False)
    app = PaperReaderApp(clock=clock)  # no client handed in: the app makes its own
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        main_thread = threading.main_thread().name
        assert [what for what, _ in seen] == ["client", "preload"]
        assert all(thread != main_thread for _, thread in seen), seen
        assert len(PaperCache(locations().papers_dir).load_all()) > 0
        assert main(app).net.online is True  # the refresh reached the hub and merged


@pytest.fixture
def client_threads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the threads that make a Papers client, with the first refresh held back
    (on a slow start at 100k papers, other network work can come first)."""
    from reader.hub import client as client_module
    from reader.main_screen.network import Network

    made: list[str] = []
    init = client_module.PapersClient.__init__

    def spy(self: Any, *args: Any, **kwargs: Any) -> None:
        made.append(threading.current_thread().name)
        init(self, *args, **kwargs)

    monkeypatch.setattr(client_module.PapersClient, "__init__", spy)
    monkeypatch.setattr(Network, "refresh", lambda self: None)  # the refresh comes late
    return made


async def test_a_linked_repos_fetch_before_any_refresh_makes_the_client_off_the_ui_thread(
        hf_endpoint: FakeHub, client_threads: list[str]) -> None:
    """On a slow start (100k papers), the cursor rests on a paper before the first refresh
    begins: the linked-repos fetch it asks for must not make the client on the UI loop."""
    from reader.app import PaperReaderApp
    from tests.tui.conftest import clock

    fill_cache(hf_endpoint.corpus)
    app = PaperReaderApp(clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        paper_id = screen.paper_list.cursor_id
        assert paper_id is not None
        for _ in range(100):  # the detail asks once the cursor has rested (LINKED_DELAY)
            if app.controller.cache.linked_get(paper_id) is not None:
                break
            await pilot.pause(0.05)
        await settle(pilot)
        assert app.controller.cache.linked_get(paper_id) is not None
    made = client_threads
    assert made and threading.main_thread().name not in made, made


async def test_a_pdf_download_before_any_refresh_makes_the_client_off_the_ui_thread(
        hf_endpoint: FakeHub, home: Path, client_threads: list[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """`P` pressed before the first refresh (a slow start) must not make the client, and
    import httpx's first-request modules, on the UI loop."""
    from reader.app import PaperReaderApp
    from reader.main_screen.network import Network
    from tests.fakehub.pdf import fake_pdf
    from tests.tui.conftest import clock, write_config

    monkeypatch.setattr(Network, "linked", lambda self, paper_id: None)  # and nothing else
    corpus = hf_endpoint.corpus
    fill_cache(corpus, days=corpus.dates()[-1:])
    write_config(home, f'pdf_url = "{hf_endpoint.url}/pdf/{{id}}"\n')
    app = PaperReaderApp(clock=clock)  # its own client, made when first needed
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        pid = main(app).paper_list.cursor_id
        assert pid is not None and not client_threads
        await pilot.press("P")
        await settle(pilot)
        assert (locations().data_dir / "pdf" / f"{pid}.pdf").read_bytes() == fake_pdf(pid)
    made = client_threads
    assert made and threading.main_thread().name not in made, made
