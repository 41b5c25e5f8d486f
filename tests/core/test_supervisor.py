"""`vigil serve` keeps one worker alive: restarted when it dies, stopped on exit."""

from __future__ import annotations

import sys
from typing import Any

import pytest
from django.core.management import call_command

from vigil.core.management.commands import serve as serve_command
from vigil.core.supervisor import Supervisor

SLEEPER = [sys.executable, "-c", "import time; time.sleep(120)"]


class FakeClock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def test_a_dead_worker_is_restarted_and_stopped_with_the_server() -> None:
    clock = FakeClock()
    supervisor = Supervisor(SLEEPER, min_backoff=5, monotonic=clock)
    supervisor.start()
    try:
        first = supervisor.process
        assert first is not None
        assert supervisor.check() is False  # alive: nothing to do
        first.kill()
        first.wait()
        assert supervisor.check() is True  # first death: restarted at once
        second = supervisor.process
        assert second is not None and second.pid != first.pid and second.poll() is None

        second.kill()
        second.wait()
        assert supervisor.check() is False  # dying again quickly: back off
        clock.t += 5
        assert supervisor.check() is True
        assert supervisor.restarts == 2
    finally:
        supervisor.stop(timeout=5)
    assert supervisor.process is not None and supervisor.process.poll() is not None
    assert supervisor.check() is False  # stopped: never restarted


def test_serve_starts_a_worker_unless_told_not_to(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[list[str]] = []

    class Recorder(Supervisor):
        def start(self) -> None:
            started.append(self.argv)

        def watch(self, interval: float = 1.0) -> None:
            pass

    monkeypatch.setattr(serve_command, "Supervisor", Recorder)
    monkeypatch.setattr(serve_command.Command, "_serve", lambda *a, **k: None)
    monkeypatch.setattr(serve_command, "call_command", lambda *a, **k: None)
    monkeypatch.setattr("signal.signal", lambda *a: None)
    call_command("serve", "--addr", "127.0.0.1:8999")
    assert started == [[sys.executable, "-m", "vigil", "worker"]]
    call_command("serve", "--addr", "127.0.0.1:8999", "--no-worker")
    assert len(started) == 1
    _: Any = None
