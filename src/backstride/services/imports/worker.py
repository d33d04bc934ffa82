"""The background worker: a thread in the API process, or ``backstride worker``.

It runs queued imports and sends the e-mail that is due in the outbox
(:mod:`backstride.services.outbox`).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from backstride.config import Settings
from backstride.services import outbox
from backstride.services.imports.jobs import Importer, claim_next, run_job

log = logging.getLogger(__name__)

MAIL_POLL_S = 0.25
"""How often the worker looks for due e-mail. A look that finds none is two reads (no write
lock). Every 0.25 s rather than with the job queue's 2 s poll: a server booking 200 visits a
second queued 400 confirmations between two passes, and sending them at once (0.4 s of a core)
slowed every request served meanwhile; small passes spread the same work (decision 0073)."""


class ImportWorker:
    """Polls the job queue and runs jobs one at a time until stopped.

    ``wake()`` makes it look at once (the API calls it after queueing an upload); otherwise it
    polls every ``poll_s`` seconds, which also picks up jobs queued by other processes. Due
    e-mail is sent every ``mail_poll_s`` (:data:`MAIL_POLL_S`) and after each look at the queue.
    """

    def __init__(
        self,
        factory: sessionmaker[Session],
        *,
        settings: Settings,
        clock: Callable[[], dt.datetime],
        importer: Importer | None = None,
        poll_s: float = 2.0,
        mail_poll_s: float = MAIL_POLL_S,
    ) -> None:
        self._factory = factory
        self._settings = settings
        self._clock = clock
        self._importer = importer
        self._poll_s = poll_s
        self._mail_poll_s = min(mail_poll_s, poll_s)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Run in a daemon thread."""
        self._thread = threading.Thread(target=self.run_forever, name="import-worker", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Look at the queue now."""
        self._wake.set()

    def stop(self, *, timeout_s: float = 10.0) -> None:
        """Stop: a running import stops at its next file and goes back to the queue."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout_s)

    def run_once(self) -> int:
        """Run every queued job now; the number run."""
        count = 0
        while not self._stop.is_set():
            with self._factory() as session:
                job_id = claim_next(
                    session,
                    now=self._clock(),
                    stall_s=self._settings.import_stall_s,
                    max_attempts=self._settings.import_max_attempts,
                )
            if job_id is None:
                return count
            view = run_job(
                self._factory,
                job_id=job_id,
                settings=self._settings,
                clock=self._clock,
                importer=self._importer,
                heartbeat_s=self._settings.import_stall_s / 10,
                stop=self._stop,
            )
            if view.status == "queued":  # re-queued after a transient error: wait a poll
                return count
            count += 1
        return count

    def send_mail(self) -> outbox.SendReport:
        """Send the e-mail that is due now (every due message, not one pass's worth)."""
        return outbox.drain_due(self._factory, settings=self._settings, now=self._clock())

    def run_forever(self) -> None:
        """Loop until stopped."""
        next_look = 0.0
        while not self._stop.is_set():
            if self._wake.is_set() or time.monotonic() >= next_look:
                self._wake.clear()
                try:
                    self.run_once()
                except Exception:  # keep the worker alive; the job row says what failed
                    log.exception("import worker iteration failed")
                next_look = time.monotonic() + self._poll_s
            try:
                self.send_mail()
            except Exception:  # the rows keep their state; the next pass tries again
                log.exception("outbox pass failed")
            self._wake.wait(max(0.0, min(self._mail_poll_s, next_look - time.monotonic())))


__all__ = ["MAIL_POLL_S", "ImportWorker"]
