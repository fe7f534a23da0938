"""Shared pieces for the benchmarks: a demo database, gunicorn on loopback, a load generator
(closed loop, or with a think time between a person's requests), a table printer and the
conditions of a run (CPU left to us: other work on the machine shows). Figures are printed,
never asserted; all traffic goes to 127.0.0.1, bounded in time."""
from __future__ import annotations

import contextlib
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare_database(url: str | None = None) -> str:
    """A migrated database with the demo city (a temp SQLite file unless a URL is given)."""
    url = url or f"sqlite:///{tempfile.mkdtemp(prefix='mhisf-bench-')}/portal.sqlite3"
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run([sys.executable, "-m", "flask", "--app", "portal", "demo-data"], cwd=ROOT, env=env,
                   check=True, stdout=subprocess.DEVNULL)
    return url


class ServerURL(str):
    """The base URL of a server started here; `.pid` is its master process."""

    pid: int


def stop_process_group(process: subprocess.Popen, timeout: float = 20) -> None:
    """Stop a server started with start_new_session=True and everything it started: SIGTERM
    to its process group, SIGKILL after `timeout` seconds."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@contextmanager
def gunicorn(database_url: str, workers: int = 3, threads: int = 1, timeout: int | None = None):
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "benchmark-secret-key-not-for-use",
           "RATELIMIT_ENABLED": "false", "SESSION_COOKIE_SECURE": "false", "LOG_LEVEL": "WARNING",
           "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}"}
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "portal.wsgi:app", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--threads", str(threads), "--log-level", "warning",
         "--no-control-socket"]  # gunicorn's default ~/.gunicorn/gunicorn.ctl is shared by every instance
        + (["--timeout", str(timeout)] if timeout else []),
        cwd=ROOT, env=env, start_new_session=True)
    base = ServerURL(f"http://127.0.0.1:{port}")
    base.pid = process.pid
    try:
        deadline = time.monotonic() + 180  # a busy shared machine starts it slowly
        while True:
            try:
                if requests.get(f"{base}/healthz", timeout=1).ok:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.2)
        yield base
    finally:
        stop_process_group(process, timeout=10)


def wait_until_settled(base: ServerURL, *, idle_cores: float = 0.1, window: float = 2.0,
                       limit: float = 600) -> tuple[float, bool]:
    """Wait until the server has finished its start-up work (each worker trains the risk
    classifier in the background for tens of seconds of CPU): its CPU use over `window`
    seconds falls under `idle_cores` while the machine had CPU to spare (a server starved
    by other work is quiet without being done). Returns the seconds waited and whether it
    settled within `limit`, so a phase measures pages, not start-up."""
    conditions, started = Conditions(base.pid), time.monotonic()
    before = conditions._sample()
    while time.monotonic() - started < limit:
        time.sleep(window)
        now = conditions._sample()
        (_, (busy0, all0), server0, _), (_, (busy1, all1), server1, _) = before, now
        spare = all1 > all0 and (busy1 - busy0) / (all1 - all0) < 0.9
        if spare and server1 - server0 < idle_cores * window:
            return time.monotonic() - started, True
        before = now
    return time.monotonic() - started, False


def statements_per_request(database_url: str, pages: dict[str, tuple[str | None, str]]) -> dict[str, tuple[int, int]]:
    """SQL statements one request of each page sends ({label: (demo account email or None
    for anonymous, path)}): the app in this process on the same database, an event listener
    on its engine counting, each page asked twice and the second counted (the first fills
    per-process caches). Returns {label: (statements, of which writes)}; BEGIN counts,
    COMMIT (a call on the connection, not a statement) does not."""
    import datetime as dt

    from sqlalchemy import event, select

    from portal import create_app
    from portal.db import db, writing
    from portal.domain import accounts
    from portal.models import Account, utcnow

    app = create_app({"DATABASE_URL": database_url, "RATELIMIT_ENABLED": False, "SESSION_COOKIE_SECURE": False,
                      "SECRET_KEY": "benchmark-secret-key-not-for-use", "LOG_LEVEL": "WARNING"})
    sent: list[str] = []
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", lambda _c, _cur, statement, *_: sent.append(statement))
    counts = {}
    try:
        for label, (email, path) in pages.items():
            http = app.test_client()
            if email is not None:
                with app.app_context(), writing():
                    account = db.session.scalar(select(Account).where(Account.email == email))
                    token = accounts.open_session(db.session, account, now=utcnow(), second_factor_done=True,
                                                  max_age=dt.timedelta(hours=1))
                    db.session.commit()
                    client_id = account.client_id
                with http.session_transaction() as cookie:
                    cookie.update(sid=token, seen=int(utcnow().timestamp()))
                path = path.format(client=client_id)
            http.get(path)
            sent.clear()
            if http.get(path).status_code != 200:
                raise RuntimeError(f"{path} did not answer 200")
            writes = sum(1 for s in sent if s.lstrip().split(None, 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"})
            counts[label] = (len(sent), writes)
    finally:
        engine.dispose()
    return counts


def print_statements(counts: dict[str, tuple[int, int]]) -> None:
    print("\nSQL statements per request (BEGIN included, COMMIT not)")
    print(f"{'page':<28}{'statements':>11}{'writes':>8}")
    for label, (statements, writes) in counts.items():
        print(f"{label:<28}{statements:>11}{writes:>8}")


def sign_in(session: requests.Session, base: str, email: str, password: str) -> None:
    page = session.get(f"{base}/en/sign-in").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page)
    response = session.post(f"{base}/en/sign-in", data={"csrf_token": token.group(1), "email": email,
                                                       "password": password}, allow_redirects=False)
    if response.status_code != 302:
        raise RuntimeError(f"sign-in failed for {email}: {response.status_code}")


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    return match.group(1) if match else ""


@dataclass
class Result:
    duration: float
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def rows(self, total: bool = True):
        labels = sorted(set(self.latencies) | set(self.errors))
        for label in labels + (["all"] if total else []):
            values = [v for vs in self.latencies.values() for v in vs] if label == "all" else self.latencies[label]
            errors = sum(self.errors.values()) if label == "all" else self.errors[label]
            yield label, len(values), len(values) / self.duration, _pct(values, 50), _pct(values, 95), _pct(values, 99), errors

    def rps(self, label: str) -> float:
        return len(self.latencies[label]) / self.duration


def _pct(values: list[float], p: int) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0] * 1000
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1] * 1000


def run_load(base: str, scenario, *, concurrency: int, duration: float, warmup: float = 2.0, setup=None,
             think: tuple[float, float] | None = None, on_start=None, between=None) -> Result:
    """Each of `concurrency` threads is one person: setup(session, base, index) once (signing
    in), then scenario(session, base) until the deadline. A scenario returns (label, ok),
    timed as a whole, or a list of (label, ok, seconds), one per HTTP request it timed itself
    (see `timed`), so an action of two requests counts as two. The clock starts
    when everyone is set up, so set-up work (password hashing) is not measured; calls during
    the warm-up are not counted. Closed loop by default (the next request as soon as the
    last answers: the saturation figure); with think=(low, high), each person pauses a
    random low–high seconds after each answer, as people read a page (not counted).
    on_start() is called when the counting starts, after the warm-up; between(session, base),
    if given, after each call, untimed (e.g. a new visitor taking the place of one who left)."""
    result = Result(duration=duration)
    lock = threading.Lock()
    clock: dict[str, float] = {}
    timers: list[threading.Timer] = []

    def start_clock():
        start = time.monotonic()
        clock["measure_from"], clock["deadline"] = start + warmup, start + warmup + duration
        if on_start:
            timers.append(threading.Timer(warmup, on_start))
            timers[0].start()

    ready = threading.Barrier(concurrency, action=start_clock)

    def worker(index: int):
        session = requests.Session()
        try:
            if setup:
                setup(session, base, index)
        except BaseException:
            ready.abort()
            raise
        try:
            ready.wait()
        except threading.BrokenBarrierError:
            return
        pause = random.Random(f"think/{index}")
        while (now := time.monotonic()) < clock["deadline"]:
            began = time.perf_counter()
            try:
                outcome = scenario(session, base)
            except requests.RequestException:
                outcome = ("exception", False)
            calls = outcome if isinstance(outcome, list) else [(*outcome, time.perf_counter() - began)]
            if now >= clock["measure_from"]:
                with lock:
                    for label, ok, elapsed in calls:
                        result.latencies[label].append(elapsed)
                        if not ok:
                            result.errors[label] += 1
            if think:
                time.sleep(max(0.0, min(pause.uniform(*think), clock["deadline"] - time.monotonic())))
            if between:
                # An error here is counted by the next call, if the server is really in trouble.
                with contextlib.suppress(requests.RequestException):
                    between(session, base)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for timer in timers:
        timer.join()
    if ready.broken:
        raise RuntimeError("a simulated person could not be set up (sign-in failed?)")
    return result


def run_in_turns(base: ServerURL, pages: dict, *, concurrency: int, duration: float, turn: float,
                 setup=None) -> tuple[Result, dict[str, float], str]:
    """Pages compared in one closed-loop run: everyone requests the same one of `pages`
    ({label: fetch(session, base) -> ok}) at a time, all changing together every `turn`
    seconds, so the pages share the machine's ups and downs (on a shared machine the CPU
    left to us drifts between phases run one after another). Returns the result, with each
    page's requests/s over its own turns; each page's server CPU per request in ms (sampled
    at every change); and the run's conditions. A page's count includes its share of the
    requests still queued from the previous page's turn, so turns should be long (5–10 s)."""
    labels = list(pages)
    turns = max(len(labels), round(duration / turn / len(labels)) * len(labels))
    conditions, cpu_seconds, started, stop = Conditions(base.pid), dict.fromkeys(labels, 0.0), [], threading.Event()

    def current() -> str:
        elapsed = time.monotonic() - started[0] if started else 0.0
        return labels[int(elapsed // turn) % len(labels)]

    def scenario(session, base):
        label = current()
        return label, pages[label](session, base)

    def sample():  # the server's CPU since the last change goes to the page whose turn ended
        used, index = conditions.server_seconds(), 0
        while not stop.wait(max(0.0, started[0] + (index + 1) * turn - time.monotonic())):
            now = conditions.server_seconds()
            cpu_seconds[labels[index % len(labels)]] += now - used
            used, index = now, index + 1

    def start():  # run_load's on_start: the measured time begins
        started.append(time.monotonic())
        conditions.restart()
        threading.Thread(target=sample, daemon=True).start()

    result = run_load(base, scenario, concurrency=concurrency, duration=turns * turn, setup=setup, on_start=start)
    stop.set()
    result.duration = turns * turn / len(labels)  # each page had its share of the turns
    cpu_ms = {label: 1000 * cpu_seconds[label] / max(len(result.latencies[label]), 1) for label in labels}
    return result, cpu_ms, conditions.line()


def timed(calls: list, label: str, ok, send):
    """Send one request (`send()`), time it, and add (label, ok(response), seconds) to
    `calls`, the list a scenario returns; returns the response."""
    began = time.perf_counter()
    response = send()
    calls.append((label, ok(response), time.perf_counter() - began))
    return response


def proc_text(pid: int, name: str) -> str:
    """/proc/<pid>/<name>, or "" when the process has gone."""
    try:
        return (Path("/proc") / str(pid) / name).read_text(errors="replace")
    except OSError:
        return ""


def descendants(root: int) -> list[int]:
    """The processes `root` started, and theirs, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = proc_text(int(entry.name), "stat")
            if stat:
                ppid = int(stat.rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], list(children.get(root, []))
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


class Conditions:
    """What the machine gave a phase (Linux /proc): the share of all CPUs busy, the cores
    the server's processes and this load generator used, and the load average. With other
    work on the machine, the server gets less than the whole machine: read figures with it.
    Pass `restart` as run_load's on_start to leave the set-up (signing in) and warm-up out."""

    def __init__(self, server_pid: int | None = None):
        self.server_pid = server_pid
        self._start = self._sample()

    def _sample(self):
        try:
            with open("/proc/stat") as stat:
                ticks = [int(v) for v in stat.readline().split()[1:]]
            busy_total = (sum(ticks) - ticks[3] - ticks[4], sum(ticks))
        except OSError:
            busy_total = (0, 0)
        mine = os.times()
        return time.monotonic(), busy_total, self.server_seconds(), mine.user + mine.system

    def server_seconds(self) -> float:
        """CPU seconds (user + system) of the server: its master and its workers."""
        if not self.server_pid:
            return 0.0
        total, tick = 0.0, os.sysconf("SC_CLK_TCK")
        for pid in [self.server_pid, *descendants(self.server_pid)]:
            stat = proc_text(pid, "stat")
            if stat:
                fields = stat.rsplit(")", 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / tick
        return total

    def line(self) -> str:
        (t0, (b0, a0), s0, m0), (t1, (b1, a1), s1, m1) = self._start, self._sample()
        wall = max(t1 - t0, 1e-9)
        busy = f"machine CPU busy {100 * (b1 - b0) / (a1 - a0):.0f} % of {os.cpu_count()} cores" if a1 > a0 else "CPU use unknown"
        server = f"; server used {(s1 - s0) / wall:.2f} cores" if self.server_pid else ""
        return (f"conditions: {busy}{server}; load generator {(m1 - m0) / wall:.2f} cores; "
                f"load average {os.getloadavg()[0]:.1f}")

    def restart(self) -> None:
        self._start = self._sample()

    def server_cpu(self) -> float:
        """CPU seconds the server has used since the start (or the restart)."""
        return self.server_seconds() - self._start[2]


def print_table(title: str, result: Result, total: bool = True) -> None:
    print(f"\n{title}")
    print(f"{'page':<28}{'requests':>9}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for label, count, rps, p50, p95, p99, errors in result.rows(total):
        print(f"{label:<28}{count:>9}{rps:>9.1f}{p50:>9.1f}{p95:>9.1f}{p99:>9.1f}{errors:>8}")


def header(workers: int) -> None:
    print(f"cores: {os.cpu_count()}  gunicorn workers: {workers}  python: {sys.version.split()[0]}  "
          f"load average before: {os.getloadavg()[0]:.1f}")
