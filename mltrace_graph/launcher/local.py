"""Starts Neo4j Community locally from Maven Central jars, as a background process.

Neo4j is on neither apt nor PyPI, but Maven Central has it and every machine we support has
Java 17 and Maven. On first use the jars are resolved into a cache folder (never into the
repository), a 100-line launcher (``java/dev/mltrace/LocalNeo4j.java``, GPL like Neo4j) is
compiled beside them, and the database runs in its own session so it outlives the command
that started it. A state file records pid and URI; a pid whose process is gone, or is not
ours, is treated as a crash and cleaned up.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from mltrace_graph import config
from mltrace_graph.errors import LauncherError, PortInUseError, PrerequisiteError

NEO4J_VERSION = "5.26.30"
MAIN_CLASS = "dev.mltrace.LocalNeo4j"
HERE = Path(__file__).resolve().parent
JVM_FLAGS = (
    "-XX:+ExitOnOutOfMemoryError",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Dlog4j2.disable.jmx=true",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
)
# Settings without a typed constant in the embedded API; written to <data>/neo4j.conf.
NEO4J_CONF = """\
db.tx_log.rotation.retention_policy=2 files
dbms.usage_report.enabled=false
dbms.security.allow_csv_import_from_file_urls=false
server.logs.debug.enabled=false
"""

Echo = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


@dataclass(frozen=True)
class LauncherConfig:
    """Where the local Neo4j keeps its files and how much of the machine it may use.

    Defaults fit a 2-core machine shared with the server and the tests: a 512 MB heap and a
    256 MB page cache hold lineage graphs of a few hundred thousand runs in memory.
    """

    home: Path
    cache: Path
    port: int = 7687
    heap: str = "512m"
    pagecache_mb: int = 256

    @classmethod
    def from_env(cls, port: int | None = None) -> LauncherConfig:
        """Reads MLTRACE_HOME and the MLTRACE_NEO4J_BOLT_PORT, _HEAP and _PAGECACHE_MB settings."""
        env_port = os.environ.get("MLTRACE_NEO4J_BOLT_PORT", "").strip()
        heap = os.environ.get("MLTRACE_NEO4J_HEAP", "").strip() or "512m"
        if not re.fullmatch(r"\d+[mMgG]", heap):
            raise LauncherError(
                f"MLTRACE_NEO4J_HEAP={heap!r} is not a size; use a number with m or g, e.g. 1g"
            )
        pagecache = os.environ.get("MLTRACE_NEO4J_PAGECACHE_MB", "").strip() or "256"
        if not pagecache.isdigit():
            raise LauncherError(
                f"MLTRACE_NEO4J_PAGECACHE_MB={pagecache!r} is not a whole number of megabytes"
            )
        if port is None:
            if env_port and not env_port.isdigit():
                raise LauncherError(f"MLTRACE_NEO4J_BOLT_PORT={env_port!r} is not a port number")
            port = int(env_port) if env_port else 7687
        if not 0 <= port <= 65535:
            raise LauncherError(f"port {port} is out of range; choose one from 1024 to 65535")
        return cls(
            home=config.mltrace_home(),
            cache=config.cache_dir(),
            port=port,
            heap=heap,
            pagecache_mb=int(pagecache),
        )

    @property
    def data_dir(self) -> Path:
        return self.home / "neo4j"

    @property
    def log_file(self) -> Path:
        return self.home / "neo4j.log"

    @property
    def state_file(self) -> Path:
        return self.home / config.STATE_FILE

    @property
    def password_file(self) -> Path:
        return self.home / config.PASSWORD_FILE

    @property
    def lib_dir(self) -> Path:
        return self.cache / f"neo4j-{NEO4J_VERSION}" / "lib"

    @property
    def classes_dir(self) -> Path:
        return self.cache / f"neo4j-{NEO4J_VERSION}" / "classes"


@dataclass(frozen=True)
class LocalStatus:
    """What ``neo4j status`` reports."""

    running: bool
    uri: str | None
    pid: int | None
    data_dir: Path
    log_file: Path
    version: str = NEO4J_VERSION


# --- prerequisites and first-use preparation ------------------------------------------


def java_executable() -> str:
    """The ``java`` of ``JAVA_HOME`` if set, else the one on PATH; must be 17 or newer."""
    java_home = os.environ.get("JAVA_HOME", "").strip()
    candidate = str(Path(java_home) / "bin" / "java") if java_home else shutil.which("java")
    if not candidate or not Path(candidate).exists():
        raise PrerequisiteError(
            "Java 17 or newer is needed to run the local Neo4j and none was found; install it "
            "(Debian/Ubuntu: apt-get install openjdk-17-jdk-headless) or set JAVA_HOME"
        )
    out = subprocess.run([candidate, "-version"], capture_output=True, text=True, check=False)
    match = re.search(r'version "(\d+)', out.stderr + out.stdout)
    major = int(match.group(1)) if match else 0
    if major < 17:
        raise PrerequisiteError(
            f"{candidate} is Java {major or 'of unknown version'}; the local Neo4j "
            f"{NEO4J_VERSION} needs Java 17 or 21 (apt-get install openjdk-17-jdk-headless, "
            f"or set JAVA_HOME)"
        )
    return candidate


def _javac_for(java: str) -> str:
    javac = Path(java).with_name("javac")
    if not javac.exists():
        raise PrerequisiteError(
            f"no javac beside {java}: install a full JDK, not just a JRE "
            f"(apt-get install openjdk-17-jdk-headless)"
        )
    return str(javac)


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """Serialises first-use preparation between processes (parallel test runs, two shells)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def prepare(cfg: LauncherConfig, echo: Echo = _quiet) -> str:
    """Makes sure jars and the compiled launcher are cached; returns the classpath."""
    java = java_executable()
    with _file_lock(cfg.cache / ".prepare.lock"):
        if not (cfg.lib_dir / ".complete").exists():
            _resolve_jars(cfg, echo)
        marker = cfg.classes_dir / "dev" / "mltrace" / "LocalNeo4j.class"
        source = HERE / "java" / "dev" / "mltrace" / "LocalNeo4j.java"
        if not marker.exists() or marker.stat().st_mtime < source.stat().st_mtime:
            echo("Compiling the Neo4j launcher ...")
            cfg.classes_dir.mkdir(parents=True, exist_ok=True)
            result = subprocess.run(
                [
                    _javac_for(java),
                    "--release",
                    "17",
                    "-cp",
                    f"{cfg.lib_dir}/*",
                    "-d",
                    str(cfg.classes_dir),
                    str(source),
                ],
                capture_output=True,
                text=True,
                check=False,
            )
            if result.returncode != 0:
                raise LauncherError(f"compiling {source} failed:\n{result.stderr.strip()}")
    return f"{cfg.classes_dir}{os.pathsep}{cfg.lib_dir}/*"


def _resolve_jars(cfg: LauncherConfig, echo: Echo) -> None:
    mvn = shutil.which("mvn")
    if not mvn:
        raise PrerequisiteError(
            "Maven is needed once, to fetch Neo4j Community from Maven Central, and 'mvn' is "
            "not on PATH; install it (apt-get install maven) or set NEO4J_URI to an existing "
            "Neo4j"
        )
    echo(f"Fetching Neo4j Community {NEO4J_VERSION} from Maven Central (first use, ~125 MB) ...")
    cfg.lib_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="lib-", dir=cfg.lib_dir.parent))
    started = time.monotonic()
    result = subprocess.run(
        [
            mvn,
            "-B",
            "-q",
            "-ntp",
            "-f",
            str(HERE / "pom.xml"),
            f"-Dneo4j.version={NEO4J_VERSION}",
            f"-Dlib.dir={staging}",
            "dependency:copy-dependencies",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0 or not any(staging.glob("neo4j-kernel-*.jar")):
        shutil.rmtree(staging, ignore_errors=True)
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
        raise PrerequisiteError(
            f"Maven could not fetch org.neo4j:neo4j:{NEO4J_VERSION}; check that Maven Central "
            f"(or your mirror in ~/.m2/settings.xml) is reachable. Maven said:\n{tail}"
        )
    (staging / ".complete").write_text(NEO4J_VERSION)
    if cfg.lib_dir.exists():
        shutil.rmtree(cfg.lib_dir)
    staging.rename(cfg.lib_dir)
    size_mb = sum(p.stat().st_size for p in cfg.lib_dir.iterdir()) / 2**20
    echo(
        f"  {len(list(cfg.lib_dir.glob('*.jar')))} jars, {size_mb:.0f} MB, "
        f"in {time.monotonic() - started:.0f} s -> {cfg.lib_dir}"
    )


# --- process state ------------------------------------------------------------------------


def _is_our_process(pid: int) -> bool:
    """True when ``pid`` is alive (not a zombie) and runs our launcher class."""
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)  # reap it if it was our child and has exited
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return False
    state = stat.rsplit(")", 1)[-1].split()[0]
    return state != "Z" and MAIN_CLASS in cmdline


def _read_state(cfg: LauncherConfig) -> dict[str, object] | None:
    try:
        data = json.loads(cfg.state_file.read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def status(cfg: LauncherConfig) -> LocalStatus:
    """Reports whether the local Neo4j runs; cleans up after one that crashed."""
    state = _read_state(cfg)
    pid = state.get("pid") if state else None
    if isinstance(pid, int) and _is_our_process(pid):
        return LocalStatus(
            True, str(state["uri"]) if state else None, pid, cfg.data_dir, cfg.log_file
        )
    if state is not None:
        cfg.state_file.unlink(missing_ok=True)  # stale: the process died without stopping
    return LocalStatus(False, None, None, cfg.data_dir, cfg.log_file)


def _password(cfg: LauncherConfig) -> str:
    """The configured password, else the generated one, generated on first need (0600)."""
    configured = os.environ.get("MLTRACE_NEO4J_PASSWORD") or os.environ.get("NEO4J_PASSWORD")
    if configured:
        if len(configured) < 8:
            raise LauncherError("the Neo4j password must have at least 8 characters")
        return configured
    existing = config.local_password(cfg.home)
    if existing:
        return existing
    cfg.home.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(24)
    fd = os.open(cfg.password_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(password + "\n")
    return password


def _check_port_free(port: int) -> None:
    """Fails only when something listens on the port.

    Neo4j binds with SO_REUSEADDR, so the probe does too: connections of a Neo4j that just
    died linger in TIME_WAIT for a minute and must not block starting it again.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as exc:
            raise PortInUseError(port) from exc


def free_port() -> int:
    """A port the OS says is free now (for tests and ``--port 0``)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start(cfg: LauncherConfig, echo: Echo = _quiet, timeout: float = 180.0) -> LocalStatus:
    """Starts the local Neo4j unless it runs already; waits until Bolt answers."""
    current = status(cfg)
    if current.running:
        return current
    classpath = prepare(cfg, echo)
    port = cfg.port or free_port()
    _check_port_free(port)
    password = _password(cfg)
    cfg.data_dir.mkdir(parents=True, exist_ok=True)
    (cfg.data_dir / "neo4j.conf").write_text(NEO4J_CONF)
    java = java_executable()
    env = {
        **os.environ,
        "MLTRACE_NEO4J_HOME": str(cfg.data_dir),
        "MLTRACE_NEO4J_HOST": "127.0.0.1",
        "MLTRACE_NEO4J_BOLT_PORT": str(port),
        "MLTRACE_NEO4J_PAGECACHE_MB": str(cfg.pagecache_mb),
        "MLTRACE_NEO4J_PASSWORD": password,
    }
    cfg.log_file.parent.mkdir(parents=True, exist_ok=True)
    offset = cfg.log_file.stat().st_size if cfg.log_file.exists() else 0
    echo(f"Starting Neo4j {NEO4J_VERSION} on bolt://127.0.0.1:{port} (data: {cfg.data_dir}) ...")
    with cfg.log_file.open("ab") as log:
        log.write(f"--- start {datetime.now(UTC).isoformat()} port {port}\n".encode())
        log.flush()
        process = subprocess.Popen(
            [java, f"-Xms{cfg.heap}", f"-Xmx{cfg.heap}", *JVM_FLAGS, "-cp", classpath, MAIN_CLASS],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            cwd=cfg.data_dir,
        )
    uri = _wait_ready(cfg, process, offset, timeout)
    state = {
        "pid": process.pid,
        "uri": uri,
        "port": port,
        "data_dir": str(cfg.data_dir),
        "started_at": datetime.now(UTC).isoformat(),
        "version": NEO4J_VERSION,
    }
    tmp = cfg.state_file.with_suffix(".tmp")
    tmp.write_text(json.dumps(state))
    tmp.replace(cfg.state_file)
    return LocalStatus(True, uri, process.pid, cfg.data_dir, cfg.log_file)


def _wait_ready(
    cfg: LauncherConfig, process: subprocess.Popen[bytes], offset: int, timeout: float
) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with cfg.log_file.open("rb") as log:
            log.seek(offset)
            text = log.read().decode(errors="replace")
        ready = re.search(r"NEO4J_READY (bolt://\S+)", text)
        if ready:
            return ready.group(1)
        if process.poll() is not None:
            tail = "\n".join(text.strip().splitlines()[-20:])
            raise LauncherError(
                f"Neo4j exited during start (code {process.returncode}); log {cfg.log_file} "
                f"ends with:\n{tail}"
            )
        time.sleep(0.2)
    process.terminate()
    raise LauncherError(f"Neo4j did not open Bolt within {timeout:.0f} s; see {cfg.log_file}")


def stop(cfg: LauncherConfig, timeout: float = 90.0) -> bool:
    """Stops the local Neo4j cleanly (SIGTERM: checkpoint, close stores); False if not running."""
    current = status(cfg)
    if not current.running or current.pid is None:
        return False
    os.kill(current.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and _is_our_process(current.pid):
        time.sleep(0.2)
    if _is_our_process(current.pid):
        # Recovery from the transaction log on the next start keeps committed data safe.
        os.kill(current.pid, signal.SIGKILL)
    cfg.state_file.unlink(missing_ok=True)
    return True
