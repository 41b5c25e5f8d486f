"""Keep one child process running: ``vigil serve`` supervising ``vigil worker``."""

from __future__ import annotations

import logging
import os
import subprocess
import threading
import time
from collections.abc import Callable, Sequence

logger = logging.getLogger("vigil.supervisor")

SUPERVISED_ENV = "VIGIL_SUPERVISED_BY"


class Supervisor:
    """Start a child, restart it when it dies (backing off if it keeps dying), stop it."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        min_backoff: float = 1.0,
        max_backoff: float = 30.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.argv = list(argv)
        self.min_backoff = min_backoff
        self.max_backoff = max_backoff
        self.monotonic = monotonic
        self.process: subprocess.Popen[bytes] | None = None
        self.restarts = 0
        self._backoff = min_backoff
        self._not_before: float | None = None
        self._started_at = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        env = os.environ | {SUPERVISED_ENV: str(os.getpid())}
        self.process = subprocess.Popen(self.argv, env=env)  # noqa: S603 - our own argv
        self._started_at = self.monotonic()

    def check(self) -> bool:
        """Restart the child if it has died; True when it was restarted now."""
        if self._stop.is_set() or self.process is None or self.process.poll() is None:
            return False
        now = self.monotonic()
        if now - self._started_at > 60:  # it ran a good while: not a crash loop
            self._backoff = self.min_backoff
        if self._not_before is None:
            logger.warning("worker exited with %s; restarting", self.process.returncode)
            # The first death restarts at once; a crash loop waits longer each time.
            self._not_before = now + (0 if self.restarts == 0 else self._backoff)
        if now < self._not_before:
            return False
        self._not_before = None
        if self.restarts:
            self._backoff = min(self._backoff * 2, self.max_backoff)
        self.restarts += 1
        self.start()
        return True

    def watch(self, interval: float = 1.0) -> None:
        """Check in a background thread until ``stop``."""

        def loop() -> None:
            while not self._stop.wait(interval):
                self.check()

        self._thread = threading.Thread(target=loop, name="vigil-supervisor", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        process = self.process
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
