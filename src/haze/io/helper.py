"""A second process for the second CPU: part of a large job run in a forked copy of this one.

Rendering 50,000 notices is pure Python, and Python runs one thread at a
time: on a two-CPU machine the second CPU stayed idle while the first filled
in templates (issue 16). :class:`HelperProcess` forks this process, runs one
function in the copy and hands what it yields back through a pipe, with a count
of its progress on the way. The copy starts with everything the parent had
computed (the list, the results, the compiled templates), so nothing is
sent to it and no module is imported again.

What the copy may do is narrow, because a fork copies one thread and every
lock as it was: it computes, writes new files and writes to its pipe. It
never prints, never touches the journal (its connection is the parent's),
runs no exit handlers (it ends with ``os._exit``) and ignores Ctrl-C (the
parent is interrupted, and stops it). The kernel kills it when the parent
dies (Linux ``PR_SET_PDEATHSIG``). Any exception it raises is raised again in the parent by
:meth:`HelperProcess.receive`; a copy that dies without a result (killed, out
of memory) is a :class:`~haze.core.errors.HazeError` there.

Only where ``fork`` is safe and pays: Linux, two CPUs or more for this
process, and not turned off with ``HAZE_HELPER_PROCESS=0``
(:func:`helper_available`). macOS has ``fork`` but its system libraries
may not survive it; Windows has none. Everywhere else the caller does the
whole job itself, with the same result.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import struct
import sys
from collections.abc import Callable, Iterator
from typing import Any

from haze.core.errors import HazeError
from haze.core.i18n import _

#: switch the helper process off (``0``) or on (anything else, the default) for a run
ENV = "HAZE_HELPER_PROCESS"

_PROGRESS, _RESULT, _ERROR = b"P", b"R", b"E"
_HEAD = struct.Struct("<cQ")  # kind, length of the body
_COUNT = struct.Struct("<Q")  # what a release says: how far the parent is


def helper_available() -> bool:
    """True where :class:`HelperProcess` may run: Linux, two CPUs or more, not switched off."""
    if os.environ.get(ENV, "1").strip() == "0":
        return False
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return False
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return cpus >= 2


class Channel:
    """The copy's side: ``report(n)`` its progress, ``wait()`` until the parent calls :meth:`HelperProcess.release`."""

    def __init__(self, results: int, release: int, parent: int) -> None:
        self._results, self._release, self._parent = results, release, parent
        self._heard = bytearray()

    def report(self, done: int) -> None:
        if os.getppid() != self._parent:  # the parent is gone: nobody will use what this writes
            os._exit(1)
        _send(self._results, _PROGRESS, struct.pack("<Q", done))

    def wait(self) -> int:
        """Wait for the parent's next :meth:`~HelperProcess.release`; the count it gave (the last of them,
        when several are waiting in the pipe: the parent got further meanwhile)."""
        while True:
            chunk = os.read(self._release, 8 * _COUNT.size)
            if not chunk:  # the parent closed its end without releasing: it has stopped
                os._exit(1)
            self._heard += chunk
            whole = len(self._heard) - len(self._heard) % _COUNT.size
            if whole:
                count: int = _COUNT.unpack_from(self._heard, whole - _COUNT.size)[0]
                del self._heard[:whole]
                if not select.select([self._release], [], [], 0)[0]:
                    return count


class HelperProcess:
    """``work(channel)``, a generator, in a forked copy of this process; what it yields comes back in order.

    :meth:`receive` waits for the next value the copy yields (raising what
    it raised instead, if it failed); ``channel.report(n)`` tells the parent
    how far it is (:meth:`progress`, without waiting); ``channel.wait()``
    holds the copy until the parent calls :meth:`release` (the parent has
    done what the copy's next step needs). Use as a context manager: leaving
    the block stops a copy that is still running (killed and waited for),
    so an error or Ctrl-C in the parent never leaves it writing files behind.
    """

    def __init__(self, work: Callable[[Channel], Iterator[Any]]) -> None:
        self._work = work
        self._pid: int | None = None
        self._fd: int | None = None
        self._release_fd: int | None = None
        self._buffer = bytearray()
        self._done = 0
        self._outcomes: list[tuple[bytes, bytes]] = []

    def __enter__(self) -> HelperProcess:
        self.start()
        return self

    def start(self) -> None:
        """Fork the copy and start ``work`` in it. A Ctrl-C that arrives while it starts (held back
        across the fork, raised when let through) stops the copy before it is raised here."""
        try:
            self._fork()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _fork(self) -> None:
        import gc
        import warnings

        read_end, write_end = os.pipe()
        release_read, release_write = os.pipe()
        _widen(write_end)
        # Ctrl-C held back until each side knows what it is: the parent has the pid to stop, the copy
        # ignores it (a KeyboardInterrupt in a fresh copy would run the parent's clean-up)
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        parent = os.getpid()
        gc.freeze()  # the copy's collector then never walks (and so never copies) the parent's objects
        try:
            with warnings.catch_warnings():
                # Python 3.12+ warns when a process with threads forks (a progress bar's refresh thread):
                # the copy uses no lock such a thread holds (module docstring), so the warning does not apply
                warnings.simplefilter("ignore", DeprecationWarning)
                pid = os.fork()
            if pid == 0:  # the copy: its heap stays frozen, and it never returns from here
                try:
                    signal.signal(signal.SIGINT, signal.SIG_IGN)
                    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
                    _die_with_parent()
                    if os.getppid() != parent:  # it died before the kernel was told
                        os._exit(1)
                    os.close(read_end)
                    os.close(release_write)
                    self._child(write_end, Channel(write_end, release_read, parent))
                finally:
                    os._exit(1)
            self._pid, self._fd, self._release_fd = pid, read_end, release_write
            os.close(write_end)
            os.close(release_read)
        finally:
            gc.unfreeze()
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})

    def _child(self, fd: int, channel: Channel) -> None:
        code = 1
        try:
            for result in self._work(channel):
                _send(fd, _RESULT, pickle.dumps(result, pickle.HIGHEST_PROTOCOL))
            code = 0
        except BaseException as exc:  # every failure goes to the parent, which raises it
            try:
                _send(fd, _ERROR, _pickled_error(exc))
            except BaseException:
                pass
        finally:
            os._exit(code)

    def progress(self) -> int:
        """The copy's last reported count, reading what it has sent without waiting for more; raise what
        it raised, if it has failed (the parent need not finish its own share first)."""
        self._read(block=False)
        failed = next((body for kind, body in self._outcomes if kind == _ERROR), None)
        if failed is not None:
            self.stop()
            raise pickle.loads(failed)
        return self._done

    def receive(self, on_progress: Callable[[int], None] | None = None) -> Any:
        """The copy's next value (``on_progress(n)`` as counts arrive while waiting); raise what it raised."""
        while not self._outcomes:
            before = self._done
            if not self._read(block=True):
                status = self._reap()
                raise HazeError(_("the helper process rendering notices stopped without finishing ({status}); "
                                  "nothing was written or recorded").format(status=_status_text(status)))
            if on_progress is not None and self._done != before:
                on_progress(self._done)
        kind, body = self._outcomes.pop(0)
        if kind == _ERROR:
            self._reap()
            raise pickle.loads(body)
        return pickle.loads(body)

    def release(self, count: int = 0) -> None:
        """Let the copy past its next ``channel.wait()``, which returns ``count`` (how far the parent has
        got: the copy may act on it, as the notices' helper syncs the files written so far). A copy that
        has already ended (it failed, or was killed) is not an error here: the next :meth:`receive` says
        what happened to it."""
        if self._release_fd is not None:
            try:
                os.write(self._release_fd, _COUNT.pack(count))  # one write of 8 bytes: never split in the pipe
            except BrokenPipeError:
                pass

    def stop(self) -> None:
        """Kill the copy if it still runs, and wait for it (idempotent)."""
        if self._pid is not None:
            try:
                os.kill(self._pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self._reap()
        for fd in (self._fd, self._release_fd):
            if fd is not None:
                os.close(fd)
        self._fd = self._release_fd = None

    def _reap(self) -> int:
        if self._pid is None:
            return 0
        _pid, status = os.waitpid(self._pid, 0)
        self._pid = None
        return status

    def _read(self, *, block: bool) -> bool:
        """Read what the pipe holds (waiting for something when ``block``); False at its end."""
        if self._fd is None:
            return False
        if not block and not select.select([self._fd], [], [], 0)[0]:
            return True
        chunk = os.read(self._fd, 1 << 20)
        if not chunk:
            return False
        self._buffer += chunk
        # and all that follows at once: a copy sending a result of megabytes (the notices' hashes and views)
        # would otherwise wait, blocked on a full pipe, for a poll per pipe-full (64 kB every 64 notices)
        while select.select([self._fd], [], [], 0)[0]:
            chunk = os.read(self._fd, 1 << 20)
            if not chunk:
                break  # the copy ended: the next read says so
            self._buffer += chunk
        self._frames()
        return True

    def _frames(self) -> None:
        while len(self._buffer) >= _HEAD.size:
            kind, length = _HEAD.unpack_from(self._buffer)
            end = _HEAD.size + length
            if len(self._buffer) < end:
                return
            body = bytes(self._buffer[_HEAD.size:end])
            del self._buffer[:end]
            if kind == _PROGRESS:
                self._done = struct.unpack("<Q", body)[0]
            else:
                self._outcomes.append((kind, body))


class Aside(HelperProcess):
    """``make()`` computed in a forked copy while this process goes on; :meth:`result` waits for it.

    For work whose answer the parent needs only later and which touches
    nothing but its own memory and a file the parent opened for it and leaves
    alone meanwhile (``activate --json`` encodes its result into a temporary
    file while the journal records the activation). Where no helper may run
    (:func:`helper_available`), or the copy fails, :meth:`result` calls
    ``make()`` here instead: the answer is the same either way, only later.
    Use as a context manager, like :class:`HelperProcess`.
    """

    def __init__(self, make: Callable[[], Any]) -> None:
        super().__init__(self._make)
        self.make = make

    def _make(self, channel: Channel) -> Iterator[Any]:
        yield self.make()

    def start(self) -> None:
        if not helper_available():
            return
        try:
            super().start()
        except OSError:  # no fork, no pipe (EAGAIN, ENOMEM, EMFILE): result() computes it here
            self._pid = self._fd = self._release_fd = None

    def result(self) -> Any:
        """What ``make()`` returned, in the copy if it ran there; the copy is then reaped."""
        if self._pid is None and self._fd is None:
            return self.make()
        try:
            return self.receive()
        except Exception:  # the copy failed or was killed: the same answer, computed here
            return self.make()
        finally:
            self.stop()


def _widen(fd: int) -> None:
    """A pipe of a megabyte (Linux's default limit for one) rather than 64 kB: fewer waits for the copy."""
    import fcntl

    try:
        fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
    except OSError:
        pass  # a lower limit on this machine: the pipe keeps its size


def _die_with_parent() -> None:
    """Linux: the kernel kills this copy when the parent dies (a killed run leaves nothing writing behind)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # Channel.report still checks for a parent that has gone


def _send(fd: int, kind: bytes, body: bytes) -> None:
    view = memoryview(_HEAD.pack(kind, len(body)) + body)
    while view:
        view = view[os.write(fd, view):]


def _pickled_error(exc: BaseException) -> bytes:
    """The exception itself where it survives pickling (a TemplateError, an OSError), else its words."""
    try:
        body = pickle.dumps(exc, pickle.HIGHEST_PROTOCOL)
        pickle.loads(body)
        return body
    except Exception:
        return pickle.dumps(HazeError(f"{type(exc).__name__}: {exc}"), pickle.HIGHEST_PROTOCOL)


def _status_text(status: int) -> str:
    if os.WIFSIGNALED(status):
        return _("signal {number}").format(number=os.WTERMSIG(status))
    return _("exit status {code}").format(code=os.waitstatus_to_exitcode(status))
