"""Time a program in a real terminal: tmux at 120x40, polling the screen until milestones appear.

Each run gets its own tmux session on a private socket (so nothing touches the user's tmux). The
program is started behind a FIFO gate: tmux and the shell are already up when the clock starts, so
the figure is the program's own start-up, not tmux's.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

POLL_S = 0.01  # capture-pane costs ~2 ms here, so 10 ms polling keeps a core mostly free
TMUX_TIMEOUT_S = 10.0  # no tmux command should ever take this long; a bound, not a figure


class TtyError(RuntimeError):
    """The program under test did not reach a milestone in time, or tmux failed."""


@dataclass(frozen=True)
class Milestone:
    """Something to wait for on the screen; ``then_keys`` (tmux key names) are sent once seen."""

    name: str
    seen: Callable[[str], bool]
    then_keys: Sequence[str] = ()


@dataclass
class TtyRun:
    """What one launch measured: seconds from launch to each milestone, and the app's pid."""

    times: dict[str, float] = field(default_factory=dict)
    pid: int | None = None
    screen: str = ""  # the last screen captured (for error reports and the notes)
    extra: dict[str, float] = field(default_factory=dict)


class Tmux:
    """A private tmux server (``tmux -L NAME``), killed by :meth:`close`."""

    def __init__(self, width: int = 120, height: int = 40) -> None:
        self.socket = f"prbench-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.width = width
        self.height = height
        self._dir = Path(tempfile.mkdtemp(prefix="prbench-tty-"))
        self._sessions: set[str] = set()
        self._started = False

    def _tmux(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(
            ["tmux", "-L", self.socket, *args],
            capture_output=True,
            text=True,
            timeout=TMUX_TIMEOUT_S,
            check=False,
        )
        if check and proc.returncode != 0:
            raise TtyError(f"tmux {args[0]} failed ({proc.returncode}): {proc.stderr.strip()}")
        return proc

    def _keep_server(self) -> None:
        """Start the server with an idle session in it: tmux exits with its last session, and a
        launch racing a server on its way out fails."""
        if not self._started:
            self._tmux("new-session", "-d", "-s", "keeper", "-x", "20", "-y", "5", "cat")
            self._started = True

    def capture(self, session: str) -> str:
        """The visible screen of the session's pane, as plain text."""
        return self._tmux("capture-pane", "-p", "-t", session).stdout

    def send_keys(self, session: str, *keys: str) -> None:
        self._tmux("send-keys", "-t", session, *keys)

    def pane_pid(self, session: str) -> int:
        return int(self._tmux("display-message", "-p", "-t", session, "#{pane_pid}").stdout)

    def kill(self, session: str) -> None:
        """End one session (and so the program in it)."""
        if session in self._sessions:
            self._tmux("kill-session", "-t", session, check=False)
            self._sessions.discard(session)

    def close(self) -> None:
        """Kill every session this object started, then its server, and remove its FIFOs."""
        for session in list(self._sessions):
            self.kill(session)
        socket = ""
        if self._started:
            socket = self._tmux("display-message", "-p", "#{socket_path}", check=False).stdout
        self._tmux("kill-server", check=False)
        if socket.strip():
            Path(socket.strip()).unlink(missing_ok=True)  # tmux leaves its socket file behind
        for child in self._dir.iterdir():
            child.unlink()
        self._dir.rmdir()

    def __enter__(self) -> Tmux:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start_gated(self, argv: Sequence[str], env: dict[str, str], cwd: Path) -> tuple[str, Path]:
        """Start a session whose shell waits on a FIFO, then ``exec``s ``argv`` (so the pane's pid
        is the program's pid). Returns the session name and the FIFO to open to release it."""
        self._keep_server()
        session = f"s{uuid.uuid4().hex[:10]}"
        gate = self._dir / f"{session}.fifo"
        os.mkfifo(gate)
        # `read` blocks until we open the FIFO for writing: the clock starts there.
        script = f"read _ < {shlex.quote(str(gate))}; exec {shlex.join(argv)}"
        env_args: list[str] = []
        for key, value in env.items():
            env_args += ["-e", f"{key}={value}"]
        self._tmux(
            "new-session", "-d", "-s", session, "-x", str(self.width), "-y", str(self.height),
            "-c", str(cwd), *env_args, "sh", "-c", script,
        )
        self._sessions.add(session)
        # keep the pane after the program exits so a crash's traceback can be read
        self._tmux("set-option", "-t", session, "remain-on-exit", "on")
        return session, gate

    def pane_dead(self, session: str) -> bool:
        out = self._tmux("display-message", "-p", "-t", session, "#{pane_dead}", check=False)
        return out.stdout.strip() == "1"

    def run(
        self,
        argv: Sequence[str],
        milestones: Sequence[Milestone],
        *,
        env: dict[str, str],
        cwd: Path,
        timeout: float = 30.0,
        on_start: Callable[[str], None] | None = None,
        on_done: Callable[[Tmux, str, TtyRun], None] | None = None,
    ) -> TtyRun:
        """Launch ``argv`` and return the seconds from launch to each milestone, in order.

        ``on_start`` gets the session name before the clock starts (for tests that send keys);
        ``on_done`` runs while the program is still alive (e.g. to read its memory) before the
        session is killed. Raises :class:`TtyError` if a milestone does not appear in ``timeout``.
        """
        session, gate = self.start_gated(argv, env, cwd)
        result = TtyRun()
        try:
            if on_start is not None:
                on_start(session)
            result.pid = self.pane_pid(session)
            with open(gate, "w") as fifo:
                t0 = time.perf_counter()
                fifo.write("go\n")
            for milestone in milestones:
                deadline = t0 + timeout
                while True:
                    screen = self.capture(session)
                    now = time.perf_counter()
                    if milestone.seen(screen):
                        result.times[milestone.name] = now - t0
                        result.screen = screen
                        break
                    if now > deadline or self.pane_dead(session):
                        result.screen = screen
                        raise TtyError(
                            f"{milestone.name!r} not seen after {now - t0:.1f} s "
                            f"running {shlex.join(argv)}; last screen:\n{screen}"
                        )
                    time.sleep(POLL_S)
                if milestone.then_keys:
                    self.send_keys(session, *milestone.then_keys)
            if on_done is not None:
                on_done(self, session, result)
        finally:
            self.kill(session)
        return result


def contains_any(needles: Sequence[str]) -> Callable[[str], bool]:
    """A screen test: true when any of the needles is on the screen."""

    def seen(screen: str) -> bool:
        return any(needle in screen for needle in needles)

    return seen


def vm_hwm_mb(pid: int) -> float | None:
    """Peak resident memory (VmHWM) of a live process in MiB, or None if it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None
