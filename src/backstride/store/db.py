"""Engines and sessions: SQLite (WAL, foreign keys on) by default, PostgreSQL by URL.

SQLite allows one writer at a time. Writers wait for it (``busy_timeout``) instead of failing,
which works as long as a transaction that will write takes the write lock *before* it reads:
a deferred transaction that read first and then wants to write finds its snapshot stale once
another writer has committed, and SQLite answers ``database is locked`` at once, without
waiting (``SQLITE_BUSY_SNAPSHOT``). pysqlite opens a transaction only before a data-changing
statement, so plain sessions write-lock at their first write; a ``SAVEPOINT`` however opens a
deferred transaction of its own, and reads inside it (the import's batch writer) then lost
imports under concurrent writes. A savepoint outside a transaction now begins one with
``BEGIN IMMEDIATE`` (waits for the write lock, then reads and writes consistently).
SQLite's busy handler polls and is not fair: under a steady stream of writers one of them could
wait past the busy timeout. Every write transaction of the process therefore first passes its
database file's :class:`WriteGate`, a first-come-first-served queue (docs/decisions/0056),
whose head meets the writers of other processes at a lock file beside the database
(docs/decisions/0070).
:func:`is_transient` tells a lock, a serialisation failure, a deadlock or a dropped connection
(retry later) from a real error. docs/decisions/0016-sqlite-writers-and-transient-errors.md.
"""

from __future__ import annotations

import fcntl
import logging
import os
import re
import sqlite3
import threading
import time
from collections import deque
from pathlib import Path
from typing import Any, Self

from sqlalchemy import Connection, Dialect, Engine, create_engine, event, make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from backstride.config import Settings

log = logging.getLogger(__name__)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()


BUSY_TIMEOUT_MS = 10_000
"""How long a SQLite writer waits for the write lock before ``database is locked``."""

GATE_WAIT_S = 30.0
"""How long a writer waits in its process's :class:`WriteGate` queue. Longer than the busy
timeout, and safe: the queue is first come, first served, so every writer ahead of it is making
progress (a connection that set a shorter ``PRAGMA busy_timeout`` gives up sooner)."""


def _sqlite_immediate_savepoint(conn: Connection, name: str | None) -> None:
    """Before a savepoint outside a transaction: ``BEGIN IMMEDIATE`` (take the write lock)."""
    del name
    dbapi = conn.connection.dbapi_connection
    if dbapi is not None and not dbapi.in_transaction:
        dbapi.execute("BEGIN IMMEDIATE")


class WriteGate:
    """A first-come, first-served lock for one SQLite file's writers in this process, and
    across the processes that use the same file.

    SQLite's busy handler polls (sleeps 1, 2, 5 ... 100 ms, then retries) and a newcomer may
    take the lock between two polls of a writer that has waited for seconds: under a steady
    stream of writers one of them can wait past any timeout. The gate queues writers in arrival
    order and hands the lock straight to the next in line. Any thread may release it (the
    connection that took it may be committed from another thread of the pool).

    The writer at the head of the queue then takes an exclusive ``flock`` on a lock file beside
    the database (``lock_path``), which every process using the file takes the same way (the
    server's processes, ``backstride worker``, the CLI): between processes the writers meet at
    the kernel's lock, which wakes a waiter the moment it is given back, not at SQLite's busy
    handler. The kernel drops the lock of a process that dies. docs/decisions/0070.
    """

    def __init__(self, lock_path: str | None = None) -> None:
        self._mutex = threading.Lock()
        self._waiters: deque[threading.Lock] = deque()
        self._held = False
        self._lock_path = lock_path
        self._fd: int | None = None
        self._pid = 0

    def acquire(self, timeout_s: float) -> bool:
        """Take the gate within ``timeout_s`` seconds (False if it stayed taken)."""
        deadline = time.monotonic() + max(timeout_s, 0.0)
        with self._mutex:
            if not self._held:
                self._held = True
                ticket = None
            else:
                ticket = threading.Lock()
                ticket.acquire()
                self._waiters.append(ticket)
        if ticket is not None and not ticket.acquire(timeout=max(timeout_s, 0.0)):
            with self._mutex:
                try:
                    self._waiters.remove(ticket)
                except ValueError:  # handed over just as the wait ended: it is ours
                    pass
                else:
                    return False
        if self._lock_path is None or self._file_lock(deadline):
            return True
        self._hand_over()
        return False

    def _file_lock(self, deadline: float) -> bool:
        """The other processes' turn: the lock file's ``flock``, polled until ``deadline``
        (a blocking ``flock`` cannot time out) from 0.1 ms up to 2 ms apart."""
        fd = self._lock_fd()
        pause = 0.0001
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return False
                time.sleep(pause)
                pause = min(pause * 2, 0.002)

    def _lock_fd(self) -> int:
        """This process's own open lock file (a forked child opens its own: a ``flock`` is
        shared by every copy of a descriptor)."""
        if self._fd is None or self._pid != os.getpid():
            assert self._lock_path is not None
            self._fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            self._pid = os.getpid()
        return self._fd

    def release(self) -> None:
        """Give the lock file back, then hand the gate to the longest waiter, or open it."""
        if self._fd is not None and self._pid == os.getpid():
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        self._hand_over()

    def _hand_over(self) -> None:
        with self._mutex:
            if self._waiters:
                self._waiters.popleft().release()  # stays held, now by the next writer
            else:
                self._held = False

    @property
    def queued(self) -> int:
        """Writers waiting now (for tests and diagnostics)."""
        with self._mutex:
            return len(self._waiters)


_GATES: dict[str, WriteGate] = {}
_GATES_LOCK = threading.Lock()


def write_gate(path: str) -> WriteGate:
    """The one gate of the database file at ``path`` in this process (its lock file:
    ``path`` + ``.writelock``)."""
    key = os.path.realpath(path)
    with _GATES_LOCK:
        gate = _GATES.get(key)
        if gate is None:
            gate = _GATES[key] = WriteGate(key + ".writelock")
        return gate


_TAKES_WRITE_LOCK = re.compile(r"\s*(?:INSERT|UPDATE|DELETE|REPLACE|BEGIN)\b", re.IGNORECASE)
_BUSY_TIMEOUT = re.compile(r"\s*PRAGMA\s+busy_timeout\s*=\s*(\d+)", re.IGNORECASE)


class _GatedCursor(sqlite3.Cursor):
    def execute(self, sql: str, parameters: Any = (), /) -> Self:
        conn = self.connection
        assert isinstance(conn, _GatedConnection)
        conn._before(sql)
        try:
            super().execute(sql, parameters)
        finally:
            conn._after(sql)
        return self

    def executemany(self, sql: str, seq_of_parameters: Any, /) -> Self:
        conn = self.connection
        assert isinstance(conn, _GatedConnection)
        conn._before(sql)
        try:
            super().executemany(sql, seq_of_parameters)
        finally:
            conn._after(sql)
        return self


class _GatedConnection(sqlite3.Connection):
    """A pysqlite connection that passes its database's :class:`WriteGate` before it writes.

    The gate is taken in front of the statement that opens a write transaction (pysqlite's
    implicit ``BEGIN`` before the first INSERT/UPDATE/DELETE, or an explicit ``BEGIN``) and
    given back as soon as the connection is no longer in a transaction (commit, rollback, close).
    ``PRAGMA busy_timeout`` sets how long this connection waits at the gate as well.
    """

    gate: WriteGate
    gate_timeout_s: float = GATE_WAIT_S
    holds_gate: bool = False
    impatient: bool = False
    """A shorter ``PRAGMA busy_timeout`` is set; undone when the pool takes it back."""

    def cursor(self, factory: Any = None) -> Any:
        del factory  # always ours: it passes the gate
        return super().cursor(_GatedCursor)

    def execute(self, sql: str, parameters: Any = (), /) -> Any:
        return self.cursor().execute(sql, parameters)

    def _before(self, sql: str) -> None:
        if self.holds_gate or self.in_transaction:
            return
        if _TAKES_WRITE_LOCK.match(sql):
            if not self.gate.acquire(self.gate_timeout_s):
                raise sqlite3.OperationalError("database is locked (waited for the write gate)")
            self.holds_gate = True
            return
        timeout = _BUSY_TIMEOUT.match(sql)
        if timeout is not None:  # a caller that wants to give up early does so at the gate too
            ms = int(timeout.group(1))
            self.gate_timeout_s = GATE_WAIT_S if ms >= BUSY_TIMEOUT_MS else ms / 1000
            self.impatient = ms < BUSY_TIMEOUT_MS

    def _after(self, sql: str) -> None:
        del sql
        if self.holds_gate and not self.in_transaction:
            self.holds_gate = False
            self.gate.release()

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._after("")

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._after("")

    def close(self) -> None:
        try:
            super().close()
        finally:
            if self.holds_gate:
                self.holds_gate = False
                self.gate.release()


def _patient_again(dbapi_connection: Any, _record: Any) -> None:
    """A connection goes back to the pool with the normal busy timeout and gate wait.

    A caller that lowered them (the job worker's best-effort progress updates) may not get the
    same pooled connection back to restore them: without this, the next request on it would
    give up after 50 ms (503 ``service.busy``)."""
    if isinstance(dbapi_connection, _GatedConnection) and dbapi_connection.impatient:
        dbapi_connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}").close()


POOL_SIZE = 16
"""Connections each engine keeps open (a server process serves this many requests at once
without opening one)."""
POOL_OVERFLOW = 16
"""Connections opened beyond :data:`POOL_SIZE` under a burst, closed when given back."""


CHECKPOINT_EVERY_S = 0.2
"""How often :class:`WalCheckpointer` copies the write-ahead log back into the database."""
FALLBACK_CHECKPOINT_PAGES = 10_000
"""With a background checkpointer, a connection checkpoints by itself only past this many WAL
pages (about 40 MB: should the thread stop); SQLite's default is 1,000."""
WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024
"""A write-ahead log file that grew past this is cut back to it when SQLite restarts it."""


class WalCheckpointer:
    """Checkpoints a SQLite file's write-ahead log from a thread of its own.

    SQLite checkpoints when a commit takes the log past 1,000 pages, in the committing
    connection: it copies the log into the database file and syncs it while it still holds
    the write lock. On a busy server that is one booking in about thirty waiting 2-28 ms, and
    every writer queued behind it too (decision 0073). This thread runs
    ``PRAGMA wal_checkpoint(PASSIVE)`` every :data:`CHECKPOINT_EVERY_S` on a connection of its
    own: a passive checkpoint waits for no reader or writer, and writers go on appending to the
    log while it copies. The engine's connections (``make_engine(...,
    background_checkpoints=True)``) checkpoint by themselves only past
    :data:`FALLBACK_CHECKPOINT_PAGES`. Durability is unchanged (WAL, ``synchronous=NORMAL``).
    """

    def __init__(self, path: str, *, every_s: float = CHECKPOINT_EVERY_S) -> None:
        self.path = path
        self.every_s = every_s
        self.pages_checkpointed = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def checkpoint(self, conn: sqlite3.Connection) -> int:
        """One passive checkpoint on ``conn``; the log pages it copied."""
        _busy, _log, copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        self.pages_checkpointed += max(int(copied), 0)
        return max(int(copied), 0)

    @property
    def running(self) -> bool:
        """Whether the thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Start the thread (a second call does nothing)."""
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="wal-checkpoint", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Stop the thread and wait for it."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def _run(self) -> None:
        try:  # mode=rw: never creates a database that is not there
            conn = sqlite3.connect(
                f"file:{self.path}?mode=rw", uri=True, isolation_level=None, timeout=0
            )
        except sqlite3.Error as exc:
            log.warning("no background checkpoints for %s: %s", self.path, exc)
            return
        try:
            while not self._stop.wait(self.every_s):
                try:
                    self.checkpoint(conn)
                except sqlite3.Error as exc:  # busy or gone for a moment: next time
                    log.debug("checkpoint of %s skipped: %s", self.path, exc)
        finally:
            conn.close()


def wal_checkpointer(engine: Engine) -> WalCheckpointer | None:
    """A :class:`WalCheckpointer` for ``engine``'s database file; None for PostgreSQL or an
    in-memory SQLite."""
    if engine.dialect.name != "sqlite":
        return None
    path = engine.url.database
    if not path or path == ":memory:":
        return None
    return WalCheckpointer(os.path.realpath(path))


def _checkpoint_rarely(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA wal_autocheckpoint={FALLBACK_CHECKPOINT_PAGES}")
    cursor.execute(f"PRAGMA journal_size_limit={WAL_SIZE_LIMIT_BYTES}")
    cursor.close()


def make_engine(
    url: str, *, echo: bool = False, null_pool: bool = False, background_checkpoints: bool = False
) -> Engine:
    """An engine for ``url``; SQLite gets WAL, foreign keys and a busy timeout per connection.

    ``background_checkpoints``: its connections leave checkpoints to a
    :class:`WalCheckpointer` (the caller runs one: :func:`wal_checkpointer`)."""
    kwargs: dict[str, Any] = {"echo": echo, "future": True}
    in_memory = url.startswith("sqlite") and make_url(url).database in (None, "", ":memory:")
    if null_pool:
        kwargs["poolclass"] = NullPool
    elif not in_memory:  # an in-memory SQLite has one connection per thread, no queue
        # Connections kept open between requests: SQLAlchemy's default of 5 made the 6th to
        # 8th concurrent request open (and then close) a connection of its own, which costs
        # a PostgreSQL server a new process each time (docs/decisions/0068).
        kwargs["pool_size"] = POOL_SIZE
        kwargs["max_overflow"] = POOL_OVERFLOW
    if url.startswith("sqlite"):
        path = None if in_memory else make_url(url).database
        if path:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"check_same_thread": False, "factory": _GatedConnection}
        # An in-memory database is this process's alone: no lock file for other processes.
        file_gate = write_gate(path) if path else WriteGate()
    else:
        kwargs["pool_pre_ping"] = True
    engine = create_engine(url, **kwargs)
    if engine.dialect.driver == "psycopg":
        begin_on_ping(engine.dialect)
    if engine.dialect.name == "sqlite":

        def give_gate(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.gate = file_gate

        event.listen(engine, "connect", give_gate)
        event.listen(engine, "checkin", _patient_again)
        event.listen(engine, "connect", _sqlite_pragmas)
        if background_checkpoints:
            event.listen(engine, "connect", _checkpoint_rarely)
        event.listen(engine, "savepoint", _sqlite_immediate_savepoint)
    return engine


def begin_on_ping(dialect: Dialect) -> None:
    """Make the pool's check of a PostgreSQL connection (``pool_pre_ping``) open the
    transaction the request is about to run, instead of sending a ping of its own.

    The pre-ping sends ``;`` on every checkout, and psycopg then sends ``BEGIN`` before the
    first statement: two round trips (and two statements' worth of work on both ends) before
    a request reads anything. ``BEGIN`` is as good a check that the server answers: a dead
    connection fails it in the same way, and the pool then opens a new one as before.
    psycopg sends no ``BEGIN`` of its own for a connection already in a transaction, and the
    pool's rollback on return ends one that nothing used (docs/decisions/0074). A connection
    in autocommit or with its own isolation level, read-only or deferrable setting (whose
    ``BEGIN`` psycopg would write differently) gets the plain ping. SQLAlchemy changes those
    settings only outside its own transactions, so a transaction open then is the check's
    empty one: it is rolled back first (psycopg refuses the change inside a transaction).
    """
    if not all(hasattr(dialect, name) for name in (*_SETTING_HOOKS, "do_ping")):
        return  # a SQLAlchemy whose psycopg dialect sets these elsewhere: the plain ping
    import psycopg  # here: a SQLite-only process never loads the driver
    from psycopg import pq

    idle = pq.TransactionStatus.IDLE
    plain_ping = dialect.do_ping

    def do_ping(dbapi_connection: Any) -> bool:
        conn = dbapi_connection
        if (
            conn.autocommit
            or conn.info.transaction_status != idle
            or conn.isolation_level is not None
            or conn.read_only is not None
            or conn.deferrable is not None
        ):
            return plain_ping(dbapi_connection)
        result = conn.pgconn.exec_(b"BEGIN")  # libpq's PQexec: the GIL is released meanwhile
        if result.status != pq.ExecStatus.COMMAND_OK:
            message = conn.pgconn.error_message.decode(errors="replace").strip()
            raise psycopg.OperationalError(f"BEGIN failed: {message or 'no answer'}")
        return True

    def outside_transaction(setter: Any) -> Any:
        def set_outside(dbapi_connection: Any, *args: Any, **kwargs: Any) -> Any:
            if dbapi_connection.info.transaction_status != idle:
                dbapi_connection.rollback()
            return setter(dbapi_connection, *args, **kwargs)

        return set_outside

    dialect.do_ping = do_ping  # type: ignore[method-assign]
    for name in _SETTING_HOOKS:
        setattr(dialect, name, outside_transaction(getattr(dialect, name)))


_SETTING_HOOKS = ("_do_isolation_level", "_do_autocommit", "set_readonly", "set_deferrable")
"""The psycopg dialect's methods (SQLAlchemy 2.0-2.1) that change a connection's isolation,
autocommit, read-only and deferrable settings: ``begin_on_ping`` wraps them, and leaves the
pool's plain ping in place where any of them is missing."""


_PG_TRANSIENT_CLASSES = ("40", "08", "57P", "53")
"""SQLSTATE classes worth a retry: serialisation failure and deadlock (40), connection
exceptions (08), operator intervention such as a shutdown (57P), insufficient resources (53)."""


def is_transient(exc: BaseException) -> bool:
    """True for a database error that goes away by trying again later.

    SQLite: ``database is locked`` / ``busy`` (the write lock stayed taken past the busy
    timeout). PostgreSQL: serialisation failure, deadlock, a dropped or refused connection, a
    server shutting down; no pooled connection free within the pool's timeout. Constraint
    violations and programming errors are not transient.
    """
    if isinstance(exc, PoolTimeout):
        return True
    if isinstance(exc, DBAPIError):
        if exc.connection_invalidated:
            return True
        orig = exc.orig
        state = getattr(orig, "sqlstate", None)
        if isinstance(state, str):
            return state.startswith(_PG_TRANSIENT_CLASSES)
        if isinstance(exc, OperationalError):
            text = str(orig).lower()
            return "locked" in text or "busy" in text or "closed" in text
        return False
    return False


def engine_from_settings(settings: Settings) -> Engine:
    """The engine for the configured database."""
    return make_engine(settings.effective_database_url)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that do not expire objects on commit (services return plain data anyway)."""
    return sessionmaker(bind=engine, expire_on_commit=False, future=True)


__all__ = [
    "BUSY_TIMEOUT_MS",
    "CHECKPOINT_EVERY_S",
    "FALLBACK_CHECKPOINT_PAGES",
    "GATE_WAIT_S",
    "WAL_SIZE_LIMIT_BYTES",
    "WalCheckpointer",
    "WriteGate",
    "begin_on_ping",
    "engine_from_settings",
    "is_transient",
    "make_engine",
    "session_factory",
    "wal_checkpointer",
    "write_gate",
]
