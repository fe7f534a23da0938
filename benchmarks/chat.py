"""The assistant through the portal: the round trip of a chat message as the dialog widget
sends it (POST /<lang>/chat/messages, JSON, CSRF token in X-CSRFToken, session cookie from a
page), at 1, 10 and 50 concurrent conversations, each its own session, mixing greetings,
level questions, a question the assistant does not understand and one out of scope, in
several languages. A conversation is --messages long (10), sent back to back with no pause
for reading or typing (the saturation figure); then a new visitor (new session, a page
first, untimed) starts the next one, so that 10 (or 50) conversations are always going on.
Then the same with people pausing --think seconds between messages (reading the reply and
typing the next: the realistic figure). Each phase prints the CPU a message cost the portal
and the assistant (Rasa and its action server), and what the machine gave. The same mix straight to Rasa's REST
channel shows what the portal adds. Then how the round trip grows with the length of one
conversation (why the portal starts a new one after CHAT_TURNS_PER_CONVERSATION messages),
the Rasa server's and the action server's resident memory, the model's size and the time to
train the model (into a temporary directory). Prints; asserts nothing. Loopback only.

    .venv/bin/python benchmarks/chat.py                   # 30 s a phase, then training
    .venv/bin/python benchmarks/chat.py --skip-training --duration 10

Needs the assistant built (make chatbot-model). Targets (issue 18), through the portal: p95 < 250 ms
at 10 concurrent conversations and < 500 ms at 50; a summary line prints both.
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import requests
from _harness import (
    ROOT,
    Conditions,
    Result,
    csrf_token,
    descendants,
    free_port,
    gunicorn,
    header,
    prepare_database,
    proc_text,
    run_load,
    stop_process_group,
)
from cryptography.fernet import Fernet

CHATBOT = ROOT / "chatbot"
RASA = CHATBOT / ".venv" / "bin" / "rasa"
MODEL = CHATBOT / "models" / "current.tar.gz"
SERVE = CHATBOT / "bin" / "serve"

# (label, page language, message): the mix is this list, drawn uniformly. No crisis
# messages: the portal answers those itself without asking Rasa.
MESSAGES = [
    ("greeting", "en", "Hello"),
    ("greeting", "pl", "Dzień dobry"),
    ("greeting", "ar", "مرحبا"),
    ("greeting", "zh", "你好"),
    ("greeting", "so", "salaan"),
    ("level question", "en", "what is level 1?"),
    ("level question", "en", "How long does Level 1 last?"),
    ("level question", "en", "What are the two levels of support?"),
    ("level question", "pl", "Czym jest Poziom 1?"),
    ("level question", "pl", "Jakie są poziomy wsparcia?"),
    ("level question", "zh", "第1级是什么？"),
    ("level question", "ar", "ما هو المستوى 1؟"),
    ("level question", "ur", "لیول 1 کیا ہے؟"),
    ("level question", "so", "Waa maxay heerka 1?"),
    ("level question", "ro", "Ce este Nivelul 1?"),
    ("level question", "sk", "Čo je úroveň 1?"),
    ("not understood (fallback)", "en", "qwxz vbnm plk"),
    ("not understood (fallback)", "pl", "zxcv bnmq wert"),
    ("out of scope", "en", "what's the weather tomorrow"),
    ("out of scope", "zh", "明天天气怎么样？"),
]
RASA_ENV = {"RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "3", "TQDM_DISABLE": "1",
            "PYTHONWARNINGS": "ignore", "LOG_LEVEL_LIBRARIES": "ERROR", "PYTHONHASHSEED": "0",
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}


# --- the assistant ---------------------------------------------------------------------
def start_assistant(log_path: Path, grant_key: str) -> tuple[subprocess.Popen, str, int]:
    rasa_port, actions_port = free_port(), free_port()
    while actions_port == rasa_port:
        actions_port = free_port()
    env = {**os.environ, **RASA_ENV, "RASA_PORT": str(rasa_port), "ACTIONS_PORT": str(actions_port),
           "ASSISTANT_GRANT_KEY": grant_key}
    env.pop("RASA_ENDPOINTS", None)  # the development endpoints: conversations in memory
    with open(log_path, "wb") as log:
        process = subprocess.Popen([str(SERVE)], cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    return process, f"http://127.0.0.1:{rasa_port}", actions_port


def wait_for_assistant(process: subprocess.Popen, rasa_url: str, actions_port: int, log_path: Path,
                       timeout: float = 180) -> float:
    began = time.monotonic()
    while True:
        try:
            if (requests.get(f"{rasa_url}/", timeout=2).ok
                    and requests.get(f"http://127.0.0.1:{actions_port}/health", timeout=2).ok):
                return time.monotonic() - began
        except requests.RequestException:
            pass
        if process.poll() is not None or time.monotonic() - began > timeout:
            tail = "\n".join(log_path.read_text(errors="replace").splitlines()[-30:])
            raise RuntimeError(f"chatbot/bin/serve did not start:\n{tail}")
        time.sleep(0.5)


def _status_kb(pid: int, field: str) -> int:
    for line in proc_text(pid, "status").splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def server_memory(serve_pid: int) -> list[tuple[str, int, int, int]]:
    """(which, pid, RSS kB, peak RSS kB) for the Rasa server and the action server."""
    rows = []
    for pid in descendants(serve_pid):
        command = proc_text(pid, "cmdline").replace("\0", " ")
        if "rasa" not in command or " run" not in command:
            continue
        which = "action server (rasa run actions)" if " run actions" in command else "Rasa server (rasa run)"
        rows.append((which, pid, _status_kb(pid, "VmRSS"), _status_kb(pid, "VmHWM")))
    return sorted(rows)


# --- conversations ---------------------------------------------------------------------
def portal_setup(session: requests.Session, base: str, index: int) -> None:
    session.rng = random.Random(index)
    new_portal_visitor(session, base)


def new_portal_visitor(session: requests.Session, base: str) -> None:
    """A page first (a new session cookie and the dialog's CSRF token), then a new chat."""
    session.cookies.clear()
    session.sent = 0
    language = session.rng.choice(MESSAGES)[1]
    session.csrf = csrf_token(session.get(f"{base}/{language}/").text)
    if not session.csrf:
        raise RuntimeError("no CSRF token on the home page")


def portal_message(session: requests.Session, base: str):
    label, language, message = session.rng.choice(MESSAGES)
    session.sent += 1
    response = session.post(f"{base}/{language}/chat/messages", json={"message": message},
                            headers={"X-CSRFToken": session.csrf, "Referer": f"{base}/{language}/"})
    ok = response.status_code == 200
    if ok:
        reply = response.json()
        # Rasa slow or down (or no place free to wait on it): the portal answers "not
        # available" with the crisis numbers; none of these messages shows a risk.
        ok = bool(reply.get("texts")) and reply.get("help_html") is None
    return label, ok


def rasa_setup(session: requests.Session, base: str, index: int) -> None:
    session.rng = random.Random(index)
    new_rasa_conversation(session, base)


def new_rasa_conversation(session: requests.Session, base: str) -> None:
    session.sender, session.sent = uuid.uuid4().hex, 0


def rasa_message(session: requests.Session, base: str):
    label, language, message = session.rng.choice(MESSAGES)
    session.sent += 1
    response = session.post(f"{base}/webhooks/rest/webhook", timeout=30, json={
        "sender": session.sender, "message": message, "metadata": {"language": language}})
    return label, response.status_code == 200 and bool(response.json())


def warm_up(base: str, workers: int) -> None:
    """Untimed: a few messages per worker at once, so that every worker has trained what it
    trains on first use before the timed phases."""
    started = time.monotonic()

    def visitor(index: int) -> None:
        session = requests.Session()
        portal_setup(session, base, 10_000 + index)
        for _ in range(3):
            portal_message(session, base)

    threads = [threading.Thread(target=visitor, args=(i,)) for i in range(2 * workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(f"warm-up: {2 * workers} visitors, 3 messages each, {time.monotonic() - started:.0f} s")


def cpu_per_message(result: Result, portal: Conditions, assistant: Conditions) -> str:
    """The CPU one message cost the portal and the assistant, and the phase's conditions."""
    answered = sum(len(values) for values in result.latencies.values())
    if not answered:
        return "no messages answered"
    return (f"CPU a message (with its share of new visitors' first pages): portal {1000 * portal.server_cpu() / answered:.1f} ms, assistant (Rasa and "
            f"actions) {1000 * assistant.server_cpu() / answered:.1f} ms; {portal.line()}")


def print_chat_table(title: str, result: Result) -> None:
    print(f"\n{title}")
    print(f"{'messages':<28}{'count':>7}{'msg/s':>8}{'mean ms':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
          f"{'errors':>8}")
    for label, count, rate, p50, p95, p99, errors in result.rows():
        values = ([v for vs in result.latencies.values() for v in vs] if label == "all"
                  else result.latencies[label])
        mean = statistics.fmean(values) * 1000 if values else float("nan")
        print(f"{label:<28}{count:>7}{rate:>8.1f}{mean:>9.1f}{p50:>9.1f}{p95:>9.1f}{p99:>9.1f}{errors:>8}")


def after_each(start_next, length: int):
    """run_load's `between`: once a conversation has `length` messages, the next one starts."""
    def between(session: requests.Session, base: str) -> None:
        if session.sent >= length:
            start_next(session, base)
    return between


def conversation_growth(rasa_url: str, lengths=(1, 10, 40, 100, 200)) -> None:
    """One conversation straight to Rasa, message after message: the round trip at some lengths
    (median of the 5 messages ending there)."""
    session = requests.Session()
    rasa_setup(session, rasa_url, 0)
    times: list[float] = []
    for _ in range(max(lengths)):
        began = time.perf_counter()
        rasa_message(session, rasa_url)
        times.append(time.perf_counter() - began)
    figures = ", ".join(f"message {n}: {statistics.median(times[max(0, n - 5):n]) * 1000:.0f} ms" for n in lengths)
    print(f"\nOne conversation straight to Rasa, one message at a time: {figures}")
    print("(Rasa reads the whole conversation back for every message; the portal starts a new one "
          "after CHAT_TURNS_PER_CONVERSATION messages, 40 by default)")


# --- training --------------------------------------------------------------------------
def time_training(timeout: float) -> None:
    """What chatbot/bin/train runs (same flags and quiet settings), into a temporary
    directory with a cold Rasa cache; models/current.tar.gz is not touched. The replies
    are not regenerated from content/ (bin/build-responses): the files in chatbot/ are used."""
    with tempfile.TemporaryDirectory(prefix="mhisf-bench-train-") as out:
        env = {**os.environ, **RASA_ENV, "RASA_CACHE_DIRECTORY": str(Path(out) / "cache")}
        log = Path(out) / "train.log"
        began = time.perf_counter()
        with open(log, "wb") as sink:
            try:
                done = subprocess.run(
                    [str(RASA), "train", "--quiet", "--force", "--config", "config.yml", "--domain", "domain",
                     "--data", "data", "--out", out, "--fixed-model-name", "benchmark"],
                    cwd=CHATBOT, env=env, stdout=sink, stderr=subprocess.STDOUT, timeout=timeout)
                status = done.returncode
            except subprocess.TimeoutExpired:
                status = None
        elapsed = time.perf_counter() - began
        model = Path(out) / "benchmark.tar.gz"
        if status == 0 and model.exists():
            print(f"training (rasa train --force, cold cache): {elapsed:.1f} s; model {model.stat().st_size / 1e6:.1f} MB")
        else:
            tail = "\n".join(log.read_text(errors="replace").splitlines()[-20:])
            print(f"training failed ({'timed out' if status is None else f'status {status}'}) "
                  f"after {elapsed:.1f} s:\n{tail}")


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=30, help="seconds a phase (through the portal)")
    parser.add_argument("--conversations", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--messages", type=int, default=10, help="messages in a conversation")
    parser.add_argument("--think", type=float, nargs=2, default=[3.0, 10.0], metavar=("LOW", "HIGH"),
                        help="seconds people pause between messages in the realistic phases")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--skip-training", action="store_true", help="do not time a training")
    parser.add_argument("--skip-direct", action="store_true", help="do not measure Rasa's REST channel alone")
    parser.add_argument("--train-timeout", type=float, default=900)
    args = parser.parse_args()
    missing = [str(p.relative_to(ROOT)) for p in (RASA, MODEL) if not p.exists()]
    if missing:
        sys.exit(f"the assistant is not built (missing {', '.join(missing)}): run make chatbot-model")

    header(args.workers)
    print(f"load average before: {load_average()}")
    grant_key = Fernet.generate_key().decode()
    workdir = Path(tempfile.mkdtemp(prefix="mhisf-bench-chat-"))
    serve_log = workdir / "serve.log"
    assistant, rasa_url, actions_port = start_assistant(serve_log, grant_key)
    database = None
    try:
        database = prepare_database()  # while Rasa starts
        ready = wait_for_assistant(assistant, rasa_url, actions_port, serve_log)
        print(f"model {MODEL.relative_to(ROOT)}: {MODEL.stat().st_size / 1e6:.1f} MB; "
              f"Rasa and the action server answering after {ready:.0f} s (demo database built meanwhile)")
        # The portal's gunicorn inherits this process's environment (see _harness.gunicorn).
        os.environ.update({"RASA_URL": rasa_url, "ASSISTANT_GRANT_KEY": grant_key})
        p95s = {}
        # Each worker trains the risk detector's classifier on its first chat message (tens of
        # seconds of CPU): a longer worker timeout, and every worker warmed up before timing.
        with gunicorn(database, workers=args.workers, timeout=600) as base:
            warm_up(base, args.workers)
            low, high = args.think
            phases = [(count, None) for count in args.conversations] + [
                (count, (low, high)) for count in args.conversations if count > 1]
            for count, think in phases:
                portal, rasa = Conditions(base.pid), Conditions(assistant.pid)
                result = run_load(base, portal_message, concurrency=count, duration=args.duration,
                                  setup=portal_setup, between=after_each(new_portal_visitor, args.messages),
                                  think=think, on_start=lambda p=portal, r=rasa: (p.restart(), r.restart()))
                pause = f"pausing {low:.0f}–{high:.0f} s between messages" if think else "back to back"
                print_chat_table(f"Through the portal, {count} concurrent conversation(s) of {args.messages} "
                                 f"messages {pause}, {args.duration:.0f} s (POST /<lang>/chat/messages)", result)
                print(cpu_per_message(result, portal, rasa))
                p95s[count, pause] = next((row[4], row[6]) for row in result.rows() if row[0] == "all")
        targets = {10: 250, 50: 500}
        print("\np95 through the portal: " + "; ".join(
            f"{count} at once {pause} {p95:.0f} ms ({errors} not answered)"
            + (f", target < {targets[count]} ms" if count in targets else "")
            for (count, pause), (p95, errors) in p95s.items()))
        if not args.skip_direct:
            for count in args.conversations:
                result = run_load(rasa_url, rasa_message, concurrency=count, duration=args.duration / 2,
                                  setup=rasa_setup, between=after_each(new_rasa_conversation, args.messages))
                print_chat_table(f"Rasa's REST channel directly, {count} concurrent conversation(s) of "
                                 f"{args.messages} messages, {args.duration / 2:.0f} s", result)
            conversation_growth(rasa_url)
        print("\nresident memory after the benchmark (from /proc):")
        for which, _pid, rss, peak in server_memory(assistant.pid):
            print(f"  {which:<34} {rss / 1024:>7.0f} MB   (peak {peak / 1024:.0f} MB)")
        print(f"load average after: {load_average()}")
    finally:
        stop_process_group(assistant)
        shutil.rmtree(workdir, ignore_errors=True)
        if database and database.startswith("sqlite:///"):  # the temporary demo database
            folder = Path(database.removeprefix("sqlite:///")).parent
            if folder.name.startswith("mhisf-bench-"):
                shutil.rmtree(folder, ignore_errors=True)
    if not args.skip_training:
        print()
        time_training(args.train_timeout)


if __name__ == "__main__":
    main()
