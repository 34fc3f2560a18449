"""A private, throw-away PostgreSQL cluster, for benchmarks and tests that stop and start the server.

The machine's shared server must never be restarted; this starts its own from the installed server
binaries (``initdb``, ``pg_ctl``) in a temporary folder, on a free port of 127.0.0.1, with trust
authentication for the ``postgres`` role and its unix socket inside the folder. PostgreSQL refuses
to run as root: when this process is root, the commands run as the ``postgres`` OS user
(``runuser -u postgres --``), which then owns the folder.

    with PrivateCluster() as pg:
        url = pg.url                 # postgresql+psycopg://postgres@127.0.0.1:PORT/postgres
        pg.stop()                    # the server goes down (fast: sessions are cut)
        pg.start()                   # back, same port, same data

The cluster is always torn down on leaving the block (server stopped, folder removed).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from types import TracebackType

SERVER_BINARIES = ("initdb", "pg_ctl", "postgres")


class ClusterError(RuntimeError):
    """The private cluster could not be made or started (the message says why)."""


def server_bin_dir() -> Path:
    """The folder holding initdb, pg_ctl and postgres: $TASKBOT_PG_BIN, else the newest installed."""
    wanted = os.environ.get("TASKBOT_PG_BIN")
    candidates = [wanted] if wanted else sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    on_path = shutil.which("pg_ctl")
    if not wanted and on_path:
        candidates.append(str(Path(on_path).parent))
    for folder in candidates:
        if folder and all((Path(folder) / name).exists() for name in SERVER_BINARIES):
            return Path(folder)
    raise ClusterError(
        "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found in "
        f"{candidates or '/usr/lib/postgresql/*/bin'}: install the postgresql server package "
        "or set TASKBOT_PG_BIN to their folder"
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PrivateCluster:
    def __init__(self, *, port: int | None = None) -> None:
        self.bin = server_bin_dir()
        self.port = port or _free_port()
        self.as_postgres = os.geteuid() == 0
        self.root = Path(tempfile.mkdtemp(prefix="taskbot-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self._made = False

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        if check and done.returncode != 0:
            tail = self.log.read_text("utf-8", "replace")[-2000:] if self.log.exists() else ""
            raise ClusterError(f"{' '.join(args[:2])} failed: {done.stdout}{done.stderr}{tail}")
        return done

    def create(self) -> None:
        """Make the cluster's folder and data directory (once)."""
        if self._made:
            return
        os.chmod(self.root, 0o700)
        if self.as_postgres:
            shutil.chown(self.root, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                  "--locale=C", "--no-sync")  # fmt: skip
        self._made = True

    def start(self) -> None:
        """Start the server (creating the cluster the first time) and wait until it accepts connections."""
        self.create()
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "start", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
                  "-o", options)  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        """Stop the server: ``fast`` cuts every session and shuts down cleanly; ``immediate`` aborts."""
        self._run("pg_ctl", "stop", "-D", str(self.data), "-m", mode, "-w", "-t", "60")

    def running(self) -> bool:
        return self._made and self._run("pg_ctl", "status", "-D", str(self.data), check=False).returncode == 0

    def destroy(self) -> None:
        """Stop the server if it runs and remove the folder; safe to call more than once."""
        try:
            if self.running():
                self.stop("immediate")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
            self._made = False

    def __enter__(self) -> PrivateCluster:
        try:
            self.start()
        except BaseException:
            self.destroy()
            raise
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.destroy()
