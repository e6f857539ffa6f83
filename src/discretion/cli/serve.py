"""``discretion serve``: the HTTP service and the officer's page, under uvicorn.

    discretion serve [--host H] [--port P] [--catalog DIR] [--workers N] [--access-log]

The catalog is loaded and checked first, so that a broken catalog is reported as by every
command (file:line:column, exit 1) before anything listens; each worker process then loads it
once (from the compiled-catalog cache) and builds every item's rules before its first request.
Needs the ``serve`` extra: ``pip install 'discretion[serve]'``.
"""

from __future__ import annotations

import argparse
import errno
import logging
import os
import socket
import sys
from typing import Any

from discretion.cli.common import EXIT_INVALID, EXIT_OK
from discretion.errors import DiscretionError, Problem

__all__ = ["add_commands"]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
# How uvicorn serves (the tests serve the same way). h11, not httptools, even where httptools is
# installed: uvicorn's httptools path drops the body of a request that offers an HTTP/2
# upgrade (``Upgrade: h2c``), which every request of Java's java.net.http.HttpClient does by
# default (uvicorn issue #2722); h11 ignores the offer and reads the body, as RFC 9110 asks.
UVICORN_OPTIONS: dict[str, Any] = {"http": "h11", "log_level": "info"}


class _NoUpgradeWarning(logging.Filter):
    """Drops uvicorn's warning for an upgrade offer it ignores (h2c, from Java clients): the
    request is answered as usual, over HTTP/1.1, and the warning would come with each one."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != "Unsupported upgrade request."


def quiet_upgrade_offers() -> None:
    logging.getLogger("uvicorn.error").addFilter(_NoUpgradeWarning())


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 < value < 65536:
        raise argparse.ArgumentTypeError(f"expected a port number from 1 to 65535, got '{text}'")
    return value


def _workers(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of worker processes, at least "
                                         f"1, got '{text}'")
    return value


def add_commands(sub: Any) -> None:
    serve = sub.add_parser(
        "serve", help="the HTTP service for case-handling systems and the officer's web page "
                      "(needs the serve extra)",
        description="Serve POST /v1/decisions, POST /v1/decisions:batch, GET /v1/items, "
                    "GET /v1/catalog, GET /healthz, GET /openapi.json and the officer's page "
                    "at / (docs/service.md). Stop it with Ctrl-C.")
    serve.add_argument("--host", default=DEFAULT_HOST,
                       help=f"address to listen on (default {DEFAULT_HOST}; 0.0.0.0 for every "
                            "interface)")
    serve.add_argument("--port", type=_port, default=DEFAULT_PORT,
                       help=f"port to listen on (default {DEFAULT_PORT})")
    serve.add_argument("--catalog", metavar="DIR",
                       help="catalog folder (default: $DISCRETION_CATALOG, else the bundled "
                            "lishui-2022)")
    serve.add_argument("--workers", type=_workers, default=1, metavar="N",
                       help="worker processes, each with the catalog loaded once (default 1)")
    serve.add_argument("--access-log", action="store_true",
                       help="log every request on standard error (off by default: it costs "
                            "about a third of a worker's requests a second)")
    serve.set_defaults(handler=cmd_serve)


def _missing_extra(exc: ImportError) -> int:
    print(f"discretion serve: {exc.name or exc} is not installed: the service needs the serve "
          "extra\n    fix: pip install 'discretion[serve]' (from a clone: pip install -e "
          "'.[serve]')\n    缺少服务所需的软件包，请先安装：pip install 'discretion[serve]'",
          file=sys.stderr)
    return EXIT_INVALID


def _check_address(host: str, port: int) -> None:
    """A user error, before the catalog's rules are built, for an address that cannot be
    listened on (in use, not this machine's, no permission)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise DiscretionError(Problem(
            f"--host {host}: not an address of this machine ({exc.strerror})",
            hint="give an address such as 127.0.0.1 or 0.0.0.0",
            expected="an IP address or host name")) from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind(address)
        except OSError as exc:
            reason = {errno.EADDRINUSE: ("the port is in use by another program",
                                         "choose another --port, or stop the other program",
                                         "端口已被占用，请换一个端口或者关闭占用端口的程序"),
                      errno.EACCES: ("no permission to listen on this port",
                                     "choose a port above 1023", "没有权限使用该端口，请使用1024以上的端口"),
                      errno.EADDRNOTAVAIL: ("not an address of this machine",
                                            "give an address of this machine, e.g. 127.0.0.1",
                                            "该地址不属于本机")}.get(
                exc.errno or 0, (exc.strerror or str(exc), "check --host and --port",
                                 "无法在该地址和端口上提供服务"))
            raise DiscretionError(Problem(f"--host {host} --port {port}: {reason[0]}; {reason[2]}",
                                          hint=reason[1])) from None


def cmd_serve(args: argparse.Namespace) -> int:
    try:
        import uvicorn

        from discretion.service.app import CATALOG_ENV, create_app
    except ImportError as exc:
        return _missing_extra(exc)
    from discretion.catalog.catalog import Catalog

    catalog = Catalog.load(args.catalog)  # a CatalogError is reported here, as by every command
    _check_address(args.host, args.port)
    print(f"discretion serve: http://{args.host}:{args.port}/ — catalog "
          f"{catalog.manifest.jurisdiction} {catalog.manifest.version} ({catalog.root}), "
          f"{args.workers} worker{'s' if args.workers != 1 else ''}; Ctrl-C stops it",
          file=sys.stderr, flush=True)
    options = {**UVICORN_OPTIONS, "host": args.host, "port": args.port,
               "access_log": args.access_log}
    quiet_upgrade_offers()
    if args.workers == 1:
        from discretion.engine import collector

        app = create_app(catalog)
        collector.freeze_loaded()
        uvicorn.run(app, **options)
    else:  # each worker process loads the catalog named here, once
        os.environ[CATALOG_ENV] = str(catalog.root)
        uvicorn.run("discretion.service.app:create_app_from_environment", factory=True,
                    workers=args.workers, **options)
    return EXIT_OK
