"""`agora`: serve, worker, db, openapi, users. Configuration comes from the environment (Settings)."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import logging
import socket
import sys
from collections.abc import Sequence

from entrypoints.logs import configure_logging
from entrypoints.settings import DEFAULT_PREFIXES, Settings, parse_faces
from entrypoints.supervisor import ServeOptions, default_workers

log = logging.getLogger("agora")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="agora", description="One backend for SpotVibe, Mairie and EEBC.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="serve the API faces (and run the worker)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--faces", help="faces to mount, as AGORA_FACES: spotvibe,mairie=/m,eebc")
    serve.add_argument("--workers", type=_positive, default=default_workers(),
                       help="API processes (default: one per core, here %(default)s)")
    serve.add_argument("--no-worker", action="store_true", help="do not run the job worker process")
    serve.add_argument("--worker-concurrency", type=_positive, default=10, metavar="N",
                       help="jobs the worker process runs at once (default %(default)s)")
    serve.add_argument("--shared-socket", action="store_true",
                       help="the API processes accept on one socket the parent binds (default: each binds the port"
                            " with SO_REUSEPORT, which spreads connections more evenly)")

    worker = commands.add_parser("worker", help="run the job worker and the outbox relay alone")
    worker.add_argument("--concurrency", type=_positive, default=10,
                        help="jobs run at once (default %(default)s)")

    db = commands.add_parser("db", help="database migrations")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_commands.add_parser("upgrade", help="upgrade to REV (default head)").add_argument("rev", nargs="?",
                                                                                         default="head")
    db_commands.add_parser("downgrade", help="downgrade to REV (default -1)").add_argument("rev", nargs="?",
                                                                                           default="-1")
    revision = db_commands.add_parser("revision", help="write a new migration")
    revision.add_argument("-m", "--message", required=True)
    revision.add_argument("--autogenerate", action="store_true",
                          help="diff the database against every context's tables")
    db_commands.add_parser("current", help="show the current revision")

    openapi = commands.add_parser("openapi", help="print a face's OpenAPI document (JSON)")
    openapi.add_argument("--face", required=True, choices=sorted(DEFAULT_PREFIXES))
    openapi.add_argument("--prefix", help="mount prefix (default: the face's default)")

    seed = commands.add_parser("seed", help="fill the database with data")
    seed.add_argument("--demo", action="store_true", required=True, help="demo data of every context (idempotent)")

    users = commands.add_parser("users", help="manage accounts")
    user_commands = users.add_subparsers(dest="users_command", required=True, metavar="ACTION")
    create = user_commands.add_parser("create", help="create an account (any realm, any role)")
    create.add_argument("--realm", required=True, choices=sorted(DEFAULT_PREFIXES))
    create.add_argument("--username")
    create.add_argument("--email", required=True)
    create.add_argument("--password-stdin", action="store_true", required=True,
                        help="read the password from the first line of stdin")
    create.add_argument("--role", required=True)
    create.add_argument("--site", help="EEBC site code (CAB, MAC)")
    create.add_argument("--municipality", help="Mairie: INSEE code of the town, e.g. 75001")
    create.add_argument("--municipality-name", help="Mairie: the town's name, when it is new")
    create.add_argument("--first-name", default="")
    create.add_argument("--last-name", default="")
    create.add_argument("--phone")
    create.add_argument("--must-change-password", action="store_true")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "openapi":  # needs no settings, database or data folder
        return _openapi(args)
    try:
        faces = parse_faces(args.faces) if getattr(args, "faces", None) else None
        settings = Settings.from_env()
    except ValueError as error:
        parser.error(str(error))
    if faces is not None:
        settings = dataclasses.replace(settings, faces=faces)
    configure_logging(settings.log_level, settings.log_format, access_log=settings.access_log)
    try:
        match args.command:
            case "serve":
                return _serve(settings, args)
            case "worker":
                return _worker(settings, args)
            case "db":
                return _db(settings, args)
            case "users":
                return _create_user(settings, args)
            case "seed":
                return _seed(settings)
    except KeyboardInterrupt:
        return 130
    parser.error(f"unknown command {args.command}")


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"at least 1, not {value}")
    return value


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    from entrypoints.supervisor import supervise

    return supervise(settings, ServeOptions(
        host=args.host, port=args.port, workers=args.workers, with_worker=not args.no_worker,
        worker_concurrency=args.worker_concurrency,
        reuse_port=not args.shared_socket and hasattr(socket, "SO_REUSEPORT")))


def _worker(settings: Settings, args: argparse.Namespace) -> int:
    from entrypoints.bootstrap import database
    from entrypoints.server import run, work

    with database(settings) as runtime:
        return run(work(runtime, concurrency=args.concurrency))


def _db(settings: Settings, args: argparse.Namespace) -> int:
    from adapters.sql import migrate
    from entrypoints.bootstrap import database
    from entrypoints.contexts.assembly import schema

    with database(settings, upgrade=False) as runtime:
        url = runtime.database_url
        match args.db_command:
            case "upgrade":
                migrate.upgrade(url, args.rev)
            case "downgrade":
                migrate.downgrade(url, args.rev)
            case "revision":
                migrate.revision(url, args.message, metadata=schema(), autogenerate=args.autogenerate)
            case "current":
                migrate.current(url)
    return 0


def _openapi(args: argparse.Namespace) -> int:
    from entrypoints.http.app import openapi_document

    document = openapi_document(args.face, args.prefix or DEFAULT_PREFIXES[args.face])
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n")
    return 0


def _seed(settings: Settings) -> int:
    from entrypoints.bootstrap import database
    from entrypoints.seed import run_demo_seed

    with database(settings) as runtime:
        print(json.dumps(asyncio.run(run_demo_seed(runtime)), ensure_ascii=False))
    return 0


def _create_user(settings: Settings, args: argparse.Namespace) -> int:
    from application.identity.services import RegisterCommand
    from domain.identity.model import Realm
    from domain.shared.errors import DomainError
    from entrypoints.bootstrap import database
    from entrypoints.users import create_user, describe_error

    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        print("error: no password on stdin (give it on the first line)", file=sys.stderr)
        return 1
    command = RegisterCommand(
        realm=Realm(args.realm), email=args.email, password=password, role=args.role, username=args.username,
        site_code=args.site, municipality_code=args.municipality, municipality_name=args.municipality_name,
        first_name=args.first_name, last_name=args.last_name, phone=args.phone,
        must_change_password=args.must_change_password, email_verified=True,
    )
    with database(settings) as runtime:
        try:
            user_id = asyncio.run(create_user(runtime, command))
        except DomainError as error:
            print(describe_error(error), file=sys.stderr)
            return 1
    print(user_id)
    return 0


if __name__ == "__main__":
    sys.exit(main())
