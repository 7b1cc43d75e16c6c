"""Real servers for tests that need them: a throwaway PostgreSQL cluster and gunicorn, both on loopback ports.

Never the shared cluster on 5432: `ThrowawayPostgres` runs its own `initdb` cluster in a temp dir on a free port,
so a test may stop and start it at will. Everything is stopped by the process id this code started.
"""

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def postgres_bindir():
    """The directory of PostgreSQL's server programs (initdb, pg_ctl), or None."""
    if os.environ.get("PG_BINDIR"):
        return Path(os.environ["PG_BINDIR"])
    try:
        return Path(
            subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True).stdout.strip()
        )
    except (OSError, subprocess.CalledProcessError):
        pass
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), reverse=True)
    return candidates[0].parent if candidates else None


def child_processes(parent):
    """The ids of the processes whose parent is `parent` (Linux /proc)."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # The parent id is the 2nd field after the command, which is in parentheses and may hold spaces.
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == parent:
            children.append(int(stat.parent.name))
    return sorted(children)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def clean_environment(**extra):
    """This process's environment without what tests set for themselves, plus `extra`."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE", "DATABASE_URL", "SECRET_KEY"}
    }
    env.update(extra)
    return env


def production_environment(**extra):
    """How the measuring scripts (make bench, audit, scaletest, faulttest) run the app: production settings, plain
    HTTP on loopback, a fresh secret key, quiet management commands; `extra` on top."""
    return clean_environment(
        DJANGO_SETTINGS_MODULE="clinic.settings.prod", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0", LOG_LEVEL="WARNING", **extra,
    )  # fmt: skip


class ThrowawayPostgres:
    def __init__(self, directory, port=None):
        self.bindir = postgres_bindir()
        self.directory = Path(directory)
        self.data = self.directory / "data"
        self.port = port or free_port()
        # initdb and postgres refuse to run as root: run them as the postgres user then.
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/clinic"

    def _run(self, *args, check=True):
        return subprocess.run([*self.as_user, *args], capture_output=True, text=True, check=check, timeout=120)

    def init(self):
        self.directory.mkdir(parents=True, exist_ok=True)
        if self.as_user:
            shutil.chown(self.directory, "postgres", "postgres")
        self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        self.start()
        self._run(str(self.bindir / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "clinic")

    def start(self):
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.directory} -c fsync=off"
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-o", options, "-l",
                  str(self.directory / "server.log"), "-w", "start")  # fmt: skip

    def stop(self):
        self.resume()  # a stopped server cannot shut down
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)

    def processes(self):
        """The process ids of the running server: the postmaster and every process it started."""
        try:
            postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return []
        return [postmaster, *child_processes(postmaster)]

    def pause(self):
        """Hang the server (SIGSTOP), as a stuck or swapping machine would: the kernel still accepts connections and
        acknowledges packets, but nothing answers."""
        for pid in self.processes():  # the postmaster first: it starts no new process meanwhile
            try:
                os.kill(pid, signal.SIGSTOP)
            except ProcessLookupError:
                pass

    def resume(self):
        for pid in self.processes():
            try:
                os.kill(pid, signal.SIGCONT)
            except ProcessLookupError:
                pass


class RedisServer:
    """A redis-server of its own on a free loopback port, in memory only; `pause()` hangs it (SIGSTOP) as a swapping
    or stuck server would: connections are accepted by the kernel but never answered."""

    def __init__(self, directory, port=None):
        self.directory = Path(directory)
        self.port = port or free_port()
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout=10):
        self.directory.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [shutil.which("redis-server") or "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", str(self.directory), "--maxmemory-policy", "allkeys-lru"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def pause(self):
        self.process.send_signal(signal.SIGSTOP)

    def resume(self):
        self.process.send_signal(signal.SIGCONT)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)  # a stopped process only dies once it runs again
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class Gunicorn:
    """gunicorn serving clinic.wsgi on a free loopback port, with `env`; its output goes to `log`."""

    def __init__(self, env, log, workers=1):
        self.port = free_port()
        self.log = Path(log)
        self.env = env
        self.workers = workers
        self.process = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout=30):
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "clinic.wsgi", "--bind", f"127.0.0.1:{self.port}",
                 "--workers", str(self.workers), "--no-control-socket", "--timeout", "30"],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log.read_text()[-3000:]}")
            try:
                if get(f"{self.url}/healthz", timeout=2).status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer: {self.log.read_text()[-3000:]}")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class Response:
    def __init__(self, status, headers, body, seconds):
        self.status, self.headers, self.body, self.seconds = status, headers, body, seconds

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")


def get(url, timeout=15, headers=None):
    """GET without raising on 4xx/5xx; returns a Response."""
    request = urllib.request.Request(url, headers=headers or {})
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Response(response.status, response.headers, response.read(), time.monotonic() - started)
    except urllib.error.HTTPError as error:
        return Response(error.code, error.headers, error.read(), time.monotonic() - started)


def manage(*args, env, timeout=300):
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result


def settings_in_subprocess(names, settings_module="clinic.settings.prod", unset=(), **environment):
    """{name: value} of `names` as `settings_module` computes them with `environment` added and `unset` removed."""
    env = {key: value for key, value in os.environ.items() if key not in {"DJANGO_ALLOW_ASYNC_UNSAFE", *unset}}
    env.update(
        DJANGO_SETTINGS_MODULE=settings_module,
        SECRET_KEY=secrets.token_urlsafe(50),
        LOG_LEVEL="WARNING",
        **environment,
    )
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name, None) for name in {names!r}}}, default=str))"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])
