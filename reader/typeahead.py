"""Typeahead in order: a key is dispatched only once the one before it, and what it set off,
has been handled, so keys typed after ``/`` reach the filter box however busy the app is.

Why: Textual's App hands each key to the focused widget's queue as soon as it reads it. The
binding that moves the focus runs later, when the key has bubbled up from that widget, so the
keys typed behind ``/`` were already queued for the list and ran there as commands (``b``
bookmarked, ``m`` marked read). Here the App holds the keys that arrive while one is in flight
and follows the one in flight with a callback in each queue it passes through (the widget it was
given to, its ancestors, the screen, the App: callbacks run after what was queued before them).
Then it follows whatever the key set off (a message from the view list, a screen being pushed
and mounted) the same way from the widget that has the focus now, and only then hands the next
key to the widget focused at that moment.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from textual import events
from textual.message_pump import MessagePump

if TYPE_CHECKING:
    from textual.app import App
    from textual.timer import Timer

SETTLE_PASSES = 2  # follow-ups of a key that moved the focus again (a view chosen: the list)
WATCHDOG_S = 0.5
# Bindings that move a cursor or scroll and nothing else: keys bound to them (and letters the
# focused box types) go straight on, queued behind each other as Textual does. Following every
# key through its queues costs an event-loop pass per queue, each up to a few ms while a thread
# (such as a load of every paper) holds the interpreter: held j went from 6 to 180 ms a key at
# 100k papers.
LOCAL_ACTIONS = frozenset({
    "cursor_up", "cursor_down", "cursor_top", "cursor_bottom", "page", "page_up", "page_down",
    "scroll_up", "scroll_down", "scroll_home", "scroll_end", "first", "last", "half_page_up",
    "half_page_down",
})


def gated(event: events.Event) -> bool:
    """Keys and pastes straight from the terminal (not yet handed to a widget)."""
    return isinstance(event, events.Key | events.Paste) and not event.is_forwarded


def _chain(node: MessagePump, app: App[Any]) -> list[MessagePump]:
    """``node``, its ancestors and the App: the queues a key given to ``node`` bubbles up."""
    nodes: list[MessagePump] = []
    current: MessagePump | None = node
    while current is not None and current is not app:
        nodes.append(current)
        current = current._parent
    nodes.append(app)
    return nodes


class KeyGate:
    """One App's key order. ``dispatch`` is the App's own handling of one key (Textual's)."""

    def __init__(self, app: App[Any],
                 dispatch: Callable[[events.Event], Awaitable[None]]) -> None:
        self.app = app
        self._dispatch = dispatch
        self.held: deque[events.Event] = deque()
        self.busy = False
        self._waiting_on: MessagePump | None = None
        self._step = 0  # which callback is the live one (the watchdog may skip a queue)
        self._drained: list[Callable[[], object]] = []
        self._watchdog: Timer | None = None

    @property
    def pending(self) -> bool:
        """A key is in flight or waiting."""
        return self.busy or bool(self.held)

    def when_drained(self, callback: Callable[[], object]) -> None:
        """Run ``callback`` once every typed key has been handled (now if none is pending)."""
        if self.pending:
            self._drained.append(callback)
        else:
            callback()

    async def on_key(self, event: events.Event) -> None:
        """A key from the terminal: dispatch it now, or hold it behind the one in flight."""
        if self.busy:
            self.held.append(event)
            return
        await self._send(event)

    def local(self, event: events.Event) -> bool:
        """True for a key that cannot move the focus: a letter the focused box takes, or a key
        bound (for the focused widget) to moving a cursor."""
        app = self.app
        focused = app.focused
        if not isinstance(event, events.Key) or focused is None:
            return False
        key = event.key
        if any(b.priority for _node, bindings in app.screen._binding_chain
               for b in bindings.key_to_bindings.get(key, ())):
            return False
        if focused.check_consume_key(key, event.character):
            return True
        for _node, bindings in app.screen._modal_binding_chain:
            found = [b for b in bindings.key_to_bindings.get(key, ()) if not b.priority]
            if found:
                return found[0].action.partition("(")[0] in LOCAL_ACTIONS
        return False

    async def _send(self, event: events.Event) -> None:
        app = self.app
        while self.local(event):
            await self._dispatch(event)
            if not self.held:
                return
            event = self.held.popleft()
        self.busy = True
        if self._watchdog is None:
            self._watchdog = app.set_interval(WATCHDOG_S, self._check_stuck)
        target: MessagePump = app.focused or app.screen
        await self._dispatch(event)
        self._follow(_chain(target, app), SETTLE_PASSES)

    def _follow(self, nodes: list[MessagePump], passes: int) -> None:
        """Post a callback to ``nodes[0]``; when it runs, go on with the rest."""
        while nodes:
            node, rest = nodes[0], nodes[1:]
            self._step += 1
            step = self._step
            self._waiting_on = node
            if node.call_later(self._reached, step, rest, passes):
                return
            nodes = rest  # that queue is closing: nothing more will run there
        self._settle(passes)

    def _reached(self, step: int, rest: list[MessagePump], passes: int) -> None:
        if step == self._step:
            self._follow(rest, passes)

    def _settle(self, passes: int) -> None:
        """The key went all the way up; follow what it set off from where the focus is now."""
        app = self.app
        if passes:
            self._follow(_chain(app.focused or app.screen, app), passes - 1)
            return
        self._waiting_on = None
        app.call_later(self._next)

    async def _next(self) -> None:
        self.busy = False
        if self.held:
            await self._send(self.held.popleft())
        if self.pending:
            return
        drained, self._drained = self._drained, []
        for callback in drained:
            callback()

    def _check_stuck(self) -> None:
        """A queue closed with our callback in it (its widget was removed): skip it."""
        node = self._waiting_on
        if node is None:
            if not self.pending and self._watchdog is not None:
                self._watchdog.stop()
                self._watchdog = None
            return
        if node._closing or node._closed:
            self._step += 1
            self._follow(_chain(self.app.focused or self.app.screen, self.app), 0)
