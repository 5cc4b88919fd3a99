"""`agora`: serve, worker, db, openapi, users, doctor. Configuration comes from the environment (Settings)."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import logging
import re
import socket
import sys
import textwrap
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
    create = user_commands.add_parser(
        "create", help="create an account (any realm, any role)", epilog=_realms_help(),
        description="Creates an account, its email already verified; prints its id. The welcome email goes out"
                    " through the worker.", formatter_class=argparse.RawDescriptionHelpFormatter)
    create.add_argument("--realm", required=True, choices=sorted(DEFAULT_PREFIXES), help="the face it belongs to")
    create.add_argument("--username", help="spotvibe, eebc: the login name (mairie logs in with the email)")
    create.add_argument("--email", required=True)
    create.add_argument("--password-stdin", action="store_true", required=True,
                        help="read the password from the first line of stdin")
    create.add_argument("--role", required=True, help="one of the realm's roles (listed below)")
    create.add_argument("--site", help="eebc: the church site (listed below)")
    create.add_argument("--municipality", help="mairie: INSEE code of the town, e.g. 75001")
    create.add_argument("--municipality-name", help="mairie: the town's name, when it is new")
    create.add_argument("--first-name", default="")
    create.add_argument("--last-name", default="")
    create.add_argument("--phone", help="with its country code, e.g. +2290197000001")
    create.add_argument("--must-change-password", action="store_true")

    commands.add_parser("doctor", help="check this deployment's settings: one line per check, OK/WARN/FAIL",
                        description="Checks the settings the environment gives (secret key, database, public URL,"
                                    " payment methods, SMTP, media folder). Exit status 1 when a check FAILs.")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "openapi":  # needs no settings, database or data folder
        return _openapi(args)
    try:
        faces = parse_faces(args.faces) if getattr(args, "faces", None) else None
    except ValueError as error:
        parser.error(str(error))
    try:
        settings = Settings.from_env()
    except ValueError as error:
        print(f"agora: error: the environment's settings: {error} (see README.md, Configuration)", file=sys.stderr)
        return 2
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
            case "doctor":
                return _doctor(settings)
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        if not _unreachable_database(error):
            raise
        where = "DATABASE_URL" if settings.database_url else f"the embedded PostgreSQL in {settings.data_dir / 'pg'}"
        print(f"error: cannot reach the database ({_first_line(error)}): check {where}", file=sys.stderr)
        return 1
    parser.error(f"unknown command {args.command}")


def _unreachable_database(error: BaseException) -> bool:
    from sqlalchemy.exc import DBAPIError

    connecting = ConnectionError | TimeoutError | socket.gaierror | DBAPIError
    return isinstance(error, connecting) or type(error).__module__.startswith(("asyncpg", "psycopg"))


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def _realms_help() -> str:
    from domain.identity.policies import EEBC_SITES, ROLES_BY_REALM, PasswordPolicy, username_problem
    from domain.shared.realm import Realm

    def realm(name: Realm, needs: str) -> list[str]:
        return textwrap.wrap(f"roles: {', '.join(sorted(ROLES_BY_REALM[name]))}; needs {needs}", width=100,
                             initial_indent=f"  {name:<9} ", subsequent_indent=" " * 12)

    policy = PasswordPolicy()
    return "\n".join([
        "realms, their roles (--role) and what each needs:",
        *realm(Realm.SPOTVIBE, "--username"),
        *realm(Realm.MAIRIE, "--municipality CODE (the town's INSEE code, 5 characters, e.g. 75001; a new town"
                             " also takes --municipality-name); its accounts log in with their email"),
        *realm(Realm.EEBC, f"--username and --site, one of {', '.join(sorted(EEBC_SITES))}"),
        f"username: {username_problem('')}",
        f"password: {policy.min_length} to {policy.max_length} characters, not all digits",
        "",
        "example:",
        "  echo 'Tr0ub4dor&3-horse' | agora users create --realm eebc --username paul --email paul@example.com \\",
        "      --role membre --site CAB --password-stdin",
    ])


def _account_problems(args: argparse.Namespace) -> list[str]:
    """What the realm needs that the options lack, each said with the values that would do."""
    from application.identity.services.registration import MUNICIPALITY_CODE
    from domain.identity.policies import EEBC_SITES, ROLES_BY_REALM, username_problem
    from domain.shared.realm import Realm

    realm = Realm(args.realm)
    problems = []
    if args.role not in ROLES_BY_REALM[realm]:
        problems.append(f"--role {args.role} is not a role of {realm}: use one of "
                        f"{', '.join(sorted(ROLES_BY_REALM[realm]))}")
    if realm is Realm.MAIRIE:
        if args.username:
            problems.append("mairie accounts log in with their email: drop --username")
        if not args.municipality:
            problems.append("mairie needs --municipality: the town's INSEE code, e.g. 75001")
        elif not MUNICIPALITY_CODE.match(args.municipality.strip().upper()):
            problems.append(f"--municipality {args.municipality} is not an INSEE code: 5 characters, e.g. 75001")
    else:
        if not args.username:
            problems.append(f"{realm} needs --username ({username_problem('')})")
        elif username_problem(args.username.strip()):
            problems.append(f"--username {args.username!r}: {username_problem(args.username.strip())}")
        for option, value in (("--municipality", args.municipality), ("--municipality-name", args.municipality_name)):
            if value:
                problems.append(f"{option} is for mairie accounts only: drop it")
    sites = ", ".join(sorted(EEBC_SITES))
    if realm is Realm.EEBC:
        if not args.site:
            problems.append(f"eebc needs --site: one of {sites}")
        elif not re.fullmatch(r"[A-Za-z]{2,10}", args.site.strip()):
            problems.append(f"--site {args.site} is not a site of eebc: use one of {sites} (or a site added since)")
    elif args.site:
        problems.append("--site is for eebc accounts only: drop it")
    return problems


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

    if problems := _account_problems(args):
        print(f"agora users create: error: {'; '.join(problems)} (see agora users create --help)", file=sys.stderr)
        return 2
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        print("error: no password on stdin: give it on the first line, e.g. echo 'Tr0ub4dor&3-horse' |"
              " agora users create ... --password-stdin", file=sys.stderr)
        return 1
    command = RegisterCommand(
        realm=Realm(args.realm), email=args.email, password=password, role=args.role, username=args.username,
        site_code=args.site.strip().upper() if args.site else None, municipality_code=args.municipality,
        municipality_name=args.municipality_name, first_name=args.first_name, last_name=args.last_name,
        phone=args.phone, must_change_password=args.must_change_password, email_verified=True,
    )
    with database(settings) as runtime:
        try:
            user_id = asyncio.run(create_user(runtime, command))
        except DomainError as error:
            print(describe_error(error), file=sys.stderr)
            return 1
    print(user_id)
    return 0


def _doctor(settings: Settings) -> int:
    from entrypoints.doctor import run_checks

    return run_checks(settings, sys.stdout)


if __name__ == "__main__":
    sys.exit(main())
