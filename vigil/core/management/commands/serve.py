import ipaddress
import signal
import sys
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from vigil.core.supervisor import Supervisor


def _exit(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def parse_addr(value: str) -> tuple[str, int]:
    host, sep, port = value.rpartition(":")
    if not sep or not port.isdigit():
        raise CommandError("--addr takes HOST:PORT, e.g. 127.0.0.1:8000")
    return host.strip("[]"), int(port)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Command(BaseCommand):
    help = "Serve Vigil with a production-grade WSGI server (waitress), static files included."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000", metavar="HOST:PORT")
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument(
            "--no-worker", action="store_true",
            help="do not start the background worker (run 'vigil worker' yourself)",
        )  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        host, port = parse_addr(options["addr"])
        if settings.DEMO and not is_loopback(host):
            raise CommandError(
                "The demo serves on loopback only (127.0.0.1 or ::1). "
                "Set VIGIL_ENV=production with its settings to serve a network."
            )
        call_command("collectstatic", interactive=False, verbosity=0)
        from waitress import serve

        from vigil.wsgi import application

        self.stdout.write(f"Vigil on http://{options['addr']}/ ({settings.VIGIL_ENV})")
        proxy = settings.VIGIL_TRUSTED_PROXY
        supervisor = None
        if not options["no_worker"]:
            supervisor = Supervisor([sys.executable, "-m", "vigil", "worker"])
            supervisor.start()
            supervisor.watch()
        # SIGTERM must unwind through `finally` so the worker is stopped with us.
        signal.signal(signal.SIGTERM, _exit)
        try:
            self._serve(serve, application, host, port, options["threads"], proxy)
        finally:
            if supervisor is not None:
                supervisor.stop()

    def _serve(
        self, serve: Any, application: Any, host: str, port: int, threads: int, proxy: str
    ) -> None:
        serve(
            application,
            host=host,
            port=port,
            threads=threads,
            ident="vigil",
            # Only the configured proxy may say who the client is and which scheme it used.
            **(
                {
                    "trusted_proxy": proxy,
                    "trusted_proxy_headers": "x-forwarded-for x-forwarded-proto",
                    "clear_untrusted_proxy_headers": True,
                }
                if proxy
                else {"clear_untrusted_proxy_headers": True}
            ),
        )
