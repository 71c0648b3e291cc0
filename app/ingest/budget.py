"""Extraction under a time budget (``Settings.extract_timeout_seconds``): the pipeline runs in a
child process, and an article that outlasts the budget has its child killed, so the work really
stops, and fails with a message a person can act on; the next article gets a fresh child.

The children run at a lower CPU priority than the process that starts them, so the pages a web
server answers stay quick while an article is extracted on a busy machine.

The child is a plain subprocess, not a multiprocessing one, because imports themselves run in
daemonic processes, which multiprocessing forbids to have children. It loads the pipeline once
(outside any article's budget) and leaves by itself when its parent goes: its input closes.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from datetime import date
from multiprocessing.connection import Connection

from app.extraction.codebook import Codebook
from app.extraction.types import ExtractionResult

# How much lower than its parent's a child's CPU priority is (``nice``): extraction gives way to
# the pages.
CHILD_NICENESS = 10


class ExtractionTimeout(RuntimeError):
    """An article whose extraction outlasted the budget."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(
            f"Extraction took longer than {seconds:g} s; the article was not imported."
        )


class _Child:
    """One child process holding a loaded pipeline, and the pipes to it."""

    def __init__(self, codebook: Codebook) -> None:
        to_child, self_out = os.pipe()
        self_in, from_child = os.pipe()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "app.ingest.budget", str(to_child), str(from_child)],
            pass_fds=(to_child, from_child),
        )
        os.close(to_child)
        os.close(from_child)
        self.send = Connection(self_out, readable=False)
        self.receive = Connection(self_in, writable=False)
        self.send.send(codebook)
        self.codebook = codebook
        try:
            self.receive.recv()  # the pipeline is loaded: from here on, time counts
        except EOFError:
            self.close()
            raise RuntimeError("the extraction process failed to start") from None

    def extract(
        self,
        seconds: float,
        codebook: Codebook,
        text: str,
        published: date | None,
        title: str | None,
    ) -> ExtractionResult:
        if codebook != self.codebook:  # analysts changed it: the child rebuilds its pipeline
            self.send.send(codebook)
            self.codebook = codebook
        self.send.send((text, published, title))
        if not self.receive.poll(seconds):
            self.close()
            raise ExtractionTimeout(seconds)
        try:
            succeeded, payload = self.receive.recv()
        except EOFError:
            self.close()
            raise RuntimeError("the extraction process stopped unexpectedly") from None
        if not succeeded:
            raise RuntimeError(payload)
        result: ExtractionResult = payload
        return result

    def close(self) -> None:
        self.send.close()
        self.receive.close()
        self.process.kill()
        self.process.wait()

    @property
    def alive(self) -> bool:
        return self.process.poll() is None and not self.send.closed


class _Children:
    """The idle children, shared by every ``BudgetedExtractor`` made from one."""

    def __init__(self) -> None:
        self.idle: list[_Child] = []
        self.lock = threading.Lock()


class BudgetedExtractor:
    """``Extractor.extract`` with a time limit. Safe to share between threads: each call takes
    an idle child (or starts one), so calls in parallel run in parallel."""

    def __init__(
        self, codebook: Codebook, seconds: float, children: _Children | None = None
    ) -> None:
        self.codebook = codebook
        self.seconds = seconds
        self._children = children or _Children()

    def for_codebook(self, codebook: Codebook) -> BudgetedExtractor:
        """The same children and budget, extracting with another codebook (the current one,
        read again after analysts changed actors or issues)."""
        return BudgetedExtractor(codebook, self.seconds, self._children)

    def warm_up(self) -> None:
        """Start a child now (it loads the pipeline), so the first article does not wait."""
        with self._children.lock:
            if self._children.idle:
                return
        child = _Child(self.codebook)
        with self._children.lock:
            self._children.idle.append(child)

    def extract(
        self, text: str, published: date | None = None, title: str | None = None
    ) -> ExtractionResult:
        children = self._children
        with children.lock:
            child = children.idle.pop() if children.idle else None
        if child is None:
            child = _Child(self.codebook)
        try:
            return child.extract(self.seconds, self.codebook, text, published, title)
        finally:
            if child.alive:  # a timeout killed it; any other child serves the next article
                with children.lock:
                    children.idle.append(child)

    def close(self) -> None:
        with self._children.lock:
            children, self._children.idle = self._children.idle, []
        for child in children:
            if child.alive:
                child.close()


def _serve(read_fd: int, write_fd: int) -> None:
    """The child: load the pipeline for the codebook sent first, then extract until the parent
    closes the pipe. A failure is reported back as text; the parent decides what it means."""
    from app.extraction.pipeline import Extractor

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when this child stops
    os.nice(CHILD_NICENESS)
    receive = Connection(read_fd, writable=False)
    send = Connection(write_fd, readable=False)
    extractor = Extractor(receive.recv())
    extractor.extract("Putin said the talks would go on.")  # the lazy parts load now
    send.send("ready")
    while True:
        try:
            message = receive.recv()
        except EOFError:
            return
        if isinstance(message, Codebook):
            extractor = Extractor(message)
            continue
        text, published, title = message
        try:
            result = extractor.extract(text, published=published, title=title)
        except Exception as exc:  # reported to the parent, which fails the article
            send.send((False, f"extraction failed: {type(exc).__name__}: {exc}"))
        else:
            send.send((True, result))


if __name__ == "__main__":
    _serve(int(sys.argv[1]), int(sys.argv[2]))
