"""The scale-out topology on loopback, as production would run it on several machines:

    HAProxy ──> portal host 1, portal host 2 (gunicorn each, own port)
        │          └──> one PostgreSQL (the portal's database), Redis (rate limits)
        └─────> Rasa 1, Rasa 2 (each with its action server)
                   └──> the same PostgreSQL (their own tracker database), Redis (lock store)
    outbox sender 1, outbox sender 2 ──> the portal's database ──> SMTP

Everything listens on 127.0.0.1 on free ports; Redis and HAProxy run from config files in a
temporary folder, never as the system's services. PostgreSQL is the throw-away cluster of
scripts/with-throwaway-postgres (TEST_DATABASE_URL). Every process is started in its own
process group and stopped with everything it started, also when a test fails or the
interpreter exits early (atexit).

`python -m tests.scaleout.topology` (make scale-out-demo) starts it and waits for Ctrl-C;
tests/scaleout/ use `Topology` as a context manager.
"""
from __future__ import annotations

import argparse
import atexit
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
from cryptography.fernet import Fernet
from sqlalchemy import create_engine, text

from tests.processes import free_port, stop_process_group

REPO = Path(__file__).resolve().parents[2]
VENV = REPO / ".venv" / "bin"
SERVE = REPO / "chatbot" / "bin" / "serve"
HOSTS = ("host1", "host2")
RASA_SERVERS = ("rasa1", "rasa2")
READY_TIMEOUT = 240  # seconds: two Rasa servers load their model at once on 2 cores


class TopologyError(RuntimeError):
    pass


def _ports(count: int) -> list[int]:
    ports: set[int] = set()
    while len(ports) < count:
        ports.add(free_port())
    return list(ports)


def _answers(url: str, timeout: float = 2) -> requests.Response | None:
    try:
        return requests.get(url, timeout=timeout)
    except requests.RequestException:
        return None


class Topology:
    """Start with `with Topology(pg_url, smtp_port) as topology:`; `topology.url` is the
    proxy's portal address, `topology.rasa_url` the proxy's address for the Rasa servers."""

    def __init__(self, pg_url: str, smtp_port: int, *, workers: int = 1, settings: dict[str, str] | None = None,
                 folder: Path | None = None):
        if not pg_url.startswith("postgresql://"):
            raise TopologyError("the topology needs PostgreSQL: run it under scripts/with-throwaway-postgres")
        self.pg_url = pg_url
        self.smtp_port = smtp_port
        self.workers = workers
        self.settings = settings or {}
        self.folder = folder or Path(tempfile.mkdtemp(prefix="mhisf-scaleout."))
        self.keep_folder = folder is not None
        self.processes: dict[str, subprocess.Popen] = {}
        self.timings: dict[str, float] = {}
        (proxy_port, rasa_proxy_port, redis_port, *others) = _ports(3 + len(HOSTS) + 2 * len(RASA_SERVERS))
        self.url = f"http://127.0.0.1:{proxy_port}"
        self.rasa_url = f"http://127.0.0.1:{rasa_proxy_port}"
        self.redis_port = redis_port
        self.host_ports = dict(zip(HOSTS, others[: len(HOSTS)], strict=True))
        rasa_ports = others[len(HOSTS):]
        self.rasa_ports = dict(zip(RASA_SERVERS, rasa_ports[::2], strict=True))
        self.action_ports = dict(zip(RASA_SERVERS, rasa_ports[1::2], strict=True))
        suffix = secrets.token_hex(4)
        self.portal_db = f"mhisf_scaleout_{suffix}"
        self.tracker_db = f"mhisf_tracker_{suffix}"
        self.database_url = re.sub(r"/[^/]*$", f"/{self.portal_db}", pg_url)
        self.secret_key = secrets.token_urlsafe(48)
        self.grant_key = Fernet.generate_key().decode()

    # -- the parts ------------------------------------------------------------------------

    def _admin(self):
        return create_engine(self.pg_url.replace("postgresql://", "postgresql+psycopg://", 1),
                             isolation_level="AUTOCOMMIT")

    def _start(self, name: str, argv: list[str], env: dict[str, str] | None = None, cwd: Path = REPO) -> None:
        with open(self.log_path(name), "ab") as log:
            self.processes[name] = subprocess.Popen(
                argv, cwd=cwd, env={**os.environ, **(env or {})}, stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True,  # own process group, stopped as a whole
            )

    def log_path(self, name: str) -> Path:
        return self.folder / f"{name}.log"

    def log(self, name: str) -> str:
        path = self.log_path(name)
        return path.read_text(errors="replace") if path.exists() else ""

    def portal_env(self) -> dict[str, str]:
        """What every portal process shares: the database, the signing key (a cookie signed by
        one host is read by the other), Redis for rate limits, the proxy in front."""
        return {
            "DATABASE_URL": self.database_url,
            "SECRET_KEY": self.secret_key,
            "ASSISTANT_GRANT_KEY": self.grant_key,
            "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{self.redis_port}/0",
            "TRUSTED_PROXY_HOPS": "1",
            "PUBLIC_BASE_URL": self.url,
            "RASA_URL": self.rasa_url,
            "RASA_TIMEOUT_SECONDS": "10",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(self.smtp_port),
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",  # the senders' counts reach their logs as they happen
            **self.settings,
        }

    def _write_redis_config(self) -> Path:
        config = self.folder / "redis.conf"
        config.write_text(
            f"bind 127.0.0.1\nport {self.redis_port}\nprotected-mode yes\ndir {self.folder}\n"
            'save ""\nappendonly no\ndaemonize no\nloglevel warning\n'
        )
        return config

    def _write_rasa_endpoints(self) -> Path:
        """The production endpoints (SQL tracker store) with the Redis lock store its
        comment asks for when there is more than one Rasa replica."""
        production = (REPO / "chatbot" / "endpoints.production.yml").read_text()
        endpoints = self.folder / "endpoints.yml"
        endpoints.write_text(
            production
            + "\nlock_store:\n  type: redis\n  url: ${LOCK_STORE_HOST}\n  port: ${LOCK_STORE_PORT}\n  db: 1\n"
        )
        return endpoints

    def _write_haproxy_config(self) -> Path:
        hosts = "\n".join(f"  server {name} 127.0.0.1:{port} check inter 1s fall 3 rise 2"
                          for name, port in self.host_ports.items())
        rasa = "\n".join(f"  server {name} 127.0.0.1:{port} check inter 2s fall 2 rise 1"
                         for name, port in self.rasa_ports.items())
        config = self.folder / "haproxy.cfg"
        config.write_text(f"""global
  log stdout format raw local0
  maxconn 512

defaults
  mode http
  log global
  option httplog
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  timeout check 5s
  # A request the chosen server refused before reading it (stopped, crashed) goes to the
  # other one; one it may have read is never sent twice (a form post must not write twice).
  retries 3
  option redispatch 1
  retry-on conn-failure

frontend portal
  bind 127.0.0.1:{self.url.rsplit(':', 1)[1]}
  default_backend portal_hosts

backend portal_hosts
  balance roundrobin
  option forwardfor
  option httpchk GET /healthz
  # A fresh connection per request: a crashed host then refuses the connection, which is
  # safe to retry on the other host. A kept-alive connection to it would fail only after
  # the request was sent, and the proxy then drops the person's request unanswered.
  http-reuse never
  # Names the host that answered, for the tests and the demo (not for production).
  http-response set-header X-Portal-Host %[srv_name]
{hosts}

frontend rasa
  bind 127.0.0.1:{self.rasa_url.rsplit(':', 1)[1]}
  default_backend rasa_servers

backend rasa_servers
  balance roundrobin
  option httpchk GET /
{rasa}
""")
        return config

    # -- start and stop -------------------------------------------------------------------

    def start(self) -> Topology:
        atexit.register(self.stop)
        started = time.perf_counter()
        with self._admin().connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{self.portal_db}"'))
            conn.execute(text(f'CREATE DATABASE "{self.tracker_db}"'))
        self._start("redis", [shutil.which("redis-server") or "/usr/bin/redis-server",
                              str(self._write_redis_config())])
        self._start_rasa()
        portal_env = self.portal_env()
        # The hosts train their risk classifier while the demo data is written (they need no
        # tables to start); the senders would fail on a database without its tables.
        for name, port in self.host_ports.items():
            self._start(name, [str(VENV / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", str(self.workers),
                               "--threads", "4", "--no-control-socket", "portal.wsgi:app"], portal_env)
        t = time.perf_counter()
        subprocess.run([str(VENV / "flask"), "--app", "portal", "demo-data"], cwd=REPO, check=True,
                       env={**os.environ, **portal_env}, stdout=subprocess.DEVNULL)
        self.timings["demo data"] = time.perf_counter() - t
        for sender in ("sender1", "sender2"):
            self._start(sender, [str(VENV / "flask"), "--app", "portal", "send-mail", "--loop", "--interval", "1"],
                        portal_env)
        self._start("haproxy", [shutil.which("haproxy") or "/usr/sbin/haproxy", "-db", "-f",
                                str(self._write_haproxy_config())])
        self._wait_until_ready(started)
        self.timings["ready"] = time.perf_counter() - started
        return self

    def _start_rasa(self) -> None:
        endpoints = self._write_rasa_endpoints()
        user = re.match(r"postgresql://([^@:]+)", self.pg_url).group(1)
        host, port = re.search(r"@([^:/]+):(\d+)", self.pg_url).groups()
        for name in RASA_SERVERS:
            self._start(name, [str(SERVE)], {
                "RASA_PORT": str(self.rasa_ports[name]), "ACTIONS_PORT": str(self.action_ports[name]),
                "RASA_ENDPOINTS": str(endpoints), "RASA_TELEMETRY_ENABLED": "false",
                "TRACKER_DB_HOST": host, "TRACKER_DB_PORT": port, "TRACKER_DB_NAME": self.tracker_db,
                "TRACKER_DB_USER": user, "TRACKER_DB_PASSWORD": "",
                "LOCK_STORE_HOST": "127.0.0.1", "LOCK_STORE_PORT": str(self.redis_port),
                # The action servers read personal answers from the portal through the proxy.
                "PORTAL_URL": self.url, "ASSISTANT_GRANT_KEY": self.grant_key,
            })

    def _wait_until_ready(self, started: float) -> None:
        deadline = time.monotonic() + READY_TIMEOUT
        waiting = {f"{name} (portal)": f"http://127.0.0.1:{port}/healthz" for name, port in self.host_ports.items()}
        waiting |= {f"{name} (Rasa)": f"http://127.0.0.1:{port}/" for name, port in self.rasa_ports.items()}
        waiting |= {f"{name} (actions)": f"http://127.0.0.1:{self.action_ports[name]}/health"
                    for name in RASA_SERVERS}
        while waiting:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    raise TopologyError(f"{name} exited with {process.returncode} before the topology was ready:\n"
                                        + "\n".join(self.log(name).splitlines()[-30:]))
            for part, url in list(waiting.items()):
                response = _answers(url)
                # A portal host is ready when its risk classifier is trained too: until then,
                # writing waits for it.
                if response is not None and response.status_code == 200 and (
                        "(portal)" not in part or response.json().get("risk_classifier") == "ready"):
                    self.timings[f"{part} ready"] = time.perf_counter() - started
                    del waiting[part]
            if time.monotonic() > deadline:
                raise TopologyError(f"not ready after {READY_TIMEOUT} s: {', '.join(waiting)}")
            time.sleep(0.5)
        # The proxy answers once its health checks see both portal hosts up.
        while len({self.host_of(requests.get(f"{self.url}/healthz", timeout=5)) for _ in range(4)}) < len(HOSTS):
            if time.monotonic() > deadline:
                raise TopologyError("the proxy does not reach both portal hosts:\n" + self.log("haproxy"))
            time.sleep(0.5)

    def stop(self) -> None:
        for name in reversed(list(self.processes)):
            stop_process_group(self.processes.pop(name), timeout=15)
        try:
            with self._admin().connect() as conn:
                for name in (self.portal_db, self.tracker_db):
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        except Exception:  # the cluster may be gone already; it is throw-away
            pass
        if not self.keep_folder:
            shutil.rmtree(self.folder, ignore_errors=True)
        atexit.unregister(self.stop)

    def __enter__(self) -> Topology:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- what the tests look at -----------------------------------------------------------

    @staticmethod
    def host_of(response: requests.Response) -> str:
        return response.headers.get("X-Portal-Host", "")

    def kill_host(self, name: str) -> None:
        """A crash, not a graceful stop: SIGKILL to the host's whole process group."""
        process = self.processes[name]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        # Gone once its port refuses connections: until its workers have exited too, their
        # copy of the listening socket still takes connections (and then drops them).
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.host_ports[name]), timeout=1).close()
            except OSError:
                return
            time.sleep(0.05)
        raise TopologyError(f"{name} still takes connections after SIGKILL")

    def proxy_log(self, backend: str) -> list[str]:
        """The server that answered each request the proxy passed to `backend`, in order."""
        return re.findall(rf" {backend}/(\S+) -?\d+/", self.log("haproxy"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per portal host")
    args = parser.parse_args()
    pg_url = os.environ.get("TEST_DATABASE_URL", "")
    from portal.devmail import start

    folder = Path(tempfile.mkdtemp(prefix="mhisf-scaleout."))
    controller, _handler = start(0, folder / "mail")
    print("Starting two portal hosts, two outbox senders, two Rasa servers, Redis and HAProxy…", flush=True)
    with Topology(pg_url, controller.port, workers=args.workers, folder=folder) as topology:
        print(f"\nPortal through HAProxy:  {topology.url}/  (X-Portal-Host names the host that answered)")
        for name, port in topology.host_ports.items():
            print(f"  {name}: gunicorn on 127.0.0.1:{port}")
        print(f"Rasa through HAProxy:    {topology.rasa_url}  ({', '.join(map(str, topology.rasa_ports.values()))})")
        print(f"Redis:                   127.0.0.1:{topology.redis_port}")
        print(f"Mail:                    SMTP on 127.0.0.1:{controller.port}, kept in {folder / 'mail'}")
        print(f"Logs:                    {folder}")
        print(f"Ready in {topology.timings['ready']:.0f} s. Demo sign-ins: `make run` prints them "
              "(flask --app portal demo-accounts). Press Ctrl-C to stop everything.", flush=True)
        try:
            signal.pause()
        except KeyboardInterrupt:
            print("\nStopping…")
    controller.stop()
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    main()
