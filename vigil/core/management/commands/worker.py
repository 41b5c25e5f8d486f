import os
import signal
import threading
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.utils.crypto import get_random_string

from vigil.core import clock
from vigil.core.scheduler import registered_sweeps, run_due_sweeps
from vigil.core.supervisor import SUPERVISED_ENV


class Command(BaseCommand):
    help = (
        "Run the background worker: the task queue (django-tasks, database backend) and "
        "the scheduler's sweeps, in one process. 'vigil serve' starts one for you."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--interval", type=float, default=0.5, metavar="SECONDS",
            help="how often to look for queued tasks and due sweeps (default 0.5)",
        )  # fmt: skip
        parser.add_argument(
            "--once", action="store_true",
            help="run the due sweeps and the queued tasks once, then exit",
        )  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        from django_tasks_db.management.commands.db_worker import Worker

        stop = threading.Event()

        def on_signal(signum: int, frame: FrameType | None) -> None:
            # Finish the task or sweep in hand, then leave: rows not finished
            # are taken up again after their lease.
            stop.set()

        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)
        parent = os.environ.get(SUPERVISED_ENV)
        tasks = Worker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=f"vigil-{os.getpid()}-{get_random_string(8)}",
            excluded_queue_names=[],
        )
        verbosity = options["verbosity"]
        if verbosity:
            self.stdout.write(f"worker {os.getpid()}: sweeps {', '.join(registered_sweeps())}")
        while not stop.is_set():
            close_old_connections()
            ran = run_due_sweeps(clock.now())
            if ran and verbosity > 1:
                self.stdout.write(f"ran {', '.join(ran)}")
            tasks.running = True
            tasks.run()  # batch mode: every queued task, then back here
            if options["once"]:
                break
            # Supervised by `vigil serve`: do not outlive it.
            if parent and str(os.getppid()) != parent:
                break
            stop.wait(options["interval"])
