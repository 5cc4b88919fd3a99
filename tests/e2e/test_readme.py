"""The README's "Try it" section, run as written against a fresh `agora serve` (own data folder and embedded
PostgreSQL, a free port, fake payments), so that it cannot drift; and its list of contract endpoints, generated.

The blocks run in this test's environment: `python3 -m uv run --frozen [--no-dev] agora` becomes the `agora` of
this interpreter's environment (uv is not asked to sync it again), `127.0.0.1:8000` the free port.
`python3 -m uv run --frozen python tests/e2e/test_readme.py` rewrites the endpoint list.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

README = Path(__file__).resolve().parents[2] / "README.md"
ENDPOINTS_TSV = README.parent.parent / "shared" / "contract" / "endpoints.tsv"
START, END = "<!-- endpoints:start -->\n", "<!-- endpoints:end -->\n"
UV_RUN = re.compile(r"python3 -m uv run --frozen (?:--no-dev )?")
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
START_TIMEOUT = 90.0
SCRIPT_TIMEOUT = 90.0


def try_it_blocks(text: str) -> list[str]:
    section = text.split("\n## Try it\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)```", section, flags=re.DOTALL)


def as_tested(block: str, port: int) -> str:
    block = UV_RUN.sub("", block).replace("127.0.0.1:8000", f"127.0.0.1:{port}")
    return block.replace("agora serve", f"agora serve --port {port} --workers 1")


def test_the_readme_spells_every_command_one_way() -> None:
    text = README.read_text()
    blocks = try_it_blocks(text)
    assert len(blocks) >= 5 and "agora serve" in blocks[0]
    for match in re.finditer(r"(\S+ ){0,5}uv run\b.*", text):
        assert match.group(0).count("python3 -m uv run --frozen") == match.group(0).count("uv run"), match.group(0)
    for block in blocks:
        for line in block.splitlines():
            if re.search(r"\bagora (serve|users|doctor|db|worker|openapi)\b", line):
                assert "python3 -m uv run --frozen --no-dev agora" in line, line


def test_the_readme_quotes_the_messages_as_the_code_says_them() -> None:
    from application.payments.purposes import PurposeRegistry
    from domain.payments.errors import MethodInactive
    from domain.payments.model import PaymentMethod, PaymentType
    from domain.payments.policies import online_purpose
    from domain.shared.errors import NotFound

    text = README.read_text()
    assert f'"{MethodInactive(PaymentMethod.MTN.value).message}"' in text
    with pytest.raises(NotFound) as nothing:
        asyncio.run(PurposeRegistry([]).quote(online_purpose(PaymentType.SUBSCRIPTION, "1"), 1))
    assert f'"{nothing.value.message}"' in text


@pytest.fixture
def served() -> Iterator[tuple[int, dict[str, str], Path]]:
    data_dir = Path(tempfile.mkdtemp(prefix="agora-readme-", dir="/tmp"))  # short: the pg socket lives here
    env = {key: value for key, value in os.environ.items() if not key.startswith(("AGORA_", "DATABASE_URL"))}
    env.update(AGORA_DATA_DIR=str(data_dir), AGORA_ARGON2_TIME_COST="1", AGORA_ARGON2_MEMORY_KIB="1024",
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}", PYTHONUNBUFFERED="1")
    port = free_port()
    serve = as_tested(try_it_blocks(README.read_text())[0], port)
    log = data_dir / "serve.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(["bash", "-c", serve], env=env, cwd=data_dir, stdout=sink,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not healthy(port):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"`{serve}` did not answer /health:\n{log.read_text(errors='replace')[-4000:]}")
            time.sleep(0.2)
        yield port, env, log
    finally:
        with_group_signal(process, signal.SIGINT)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            with_group_signal(process, signal.SIGKILL)
            process.wait(10)
        shutil.rmtree(data_dir, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def healthy(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200
    except httpx.TransportError:
        return False


def with_group_signal(process: subprocess.Popen[bytes], signum: int) -> None:
    if process.poll() is None:
        try:
            os.killpg(process.pid, signum)
        except ProcessLookupError:
            pass


@pytest.mark.e2e
def test_the_try_it_blocks_run_as_written(served: tuple[int, dict[str, str], Path]) -> None:
    port, env, log = served
    blocks = [as_tested(block, port) for block in try_it_blocks(README.read_text())[1:]]
    script = "set -euo pipefail\n" + "\n".join(blocks)
    done = subprocess.run(["bash", "-c", script], env=env, cwd=env["AGORA_DATA_DIR"], capture_output=True, text=True,
                          timeout=SCRIPT_TIMEOUT, check=False)
    report = f"stdout:\n{done.stdout[-4000:]}\nstderr:\n{done.stderr[-3000:]}\nserver:\n{log.read_text()[-3000:]}"
    assert done.returncode == 0, report
    for shown in ('"status":"ok"', "Utilisateur enregistré avec succès. Veuillez vérifier votre email.",
                  '"email":"awa@example.com"', '"email":"maire@example.com"', '"username":"paul"',
                  "Paiement transmis", "MTN payment: REUSSI", "Orange payment: REUSSI"):
        assert shown in done.stdout, f"{shown!r} not shown\n{report}"
    # no AGORA_PUBLIC_URL: the public URL is the address served, so the callbacks came back to this port
    assert f"public   http://127.0.0.1:{port} (AGORA_PUBLIC_URL unset" in log.read_text()


def endpoints_section() -> str:
    """Per face, the contract's endpoints its OpenAPI document has (paths compared with every {param} as {})."""
    from entrypoints.http.app import openapi_document
    from entrypoints.settings import DEFAULT_PREFIXES

    def normal(path: str) -> str:
        return re.sub(r"\{[^}]*\}", "{}", path).rstrip("/") or "/"

    rows = [line.split("\t") for line in ENDPOINTS_TSV.read_text().splitlines()[1:] if line.strip()]
    lines = []
    for face, prefix in DEFAULT_PREFIXES.items():
        document = openapi_document(face, prefix)
        root = prefix.rstrip("/")
        served = {(method.upper(), normal(path[len(root):] if root and path.startswith(root) else path))
                  for path, operations in document["paths"].items() for method in operations
                  if method in HTTP_METHODS}
        wanted = [(method, path) for name, method, path in rows if name == face]
        present = [f"`{method} {path}`" for method, path in wanted if (method, normal(path)) in served]
        lines.append(f"- **{face}** (at `{prefix}`): {len(present)} of the contract's {len(wanted)} endpoints:"
                     f" {', '.join(present) or 'none yet'}")
    return "\n".join(lines) + "\n"


def readme_with_endpoints(text: str, section: str) -> str:
    before, rest = text.split(START, 1)
    return before + START + section + END + rest.split(END, 1)[1]


@pytest.mark.skipif(not ENDPOINTS_TSV.exists(), reason=f"no contract list at {ENDPOINTS_TSV}")
def test_the_readme_lists_the_contract_endpoints_each_face_serves() -> None:
    text = README.read_text()
    assert readme_with_endpoints(text, endpoints_section()) == text, (
        "the README's endpoint list is out of date: python3 -m uv run --frozen python tests/e2e/test_readme.py")


if __name__ == "__main__":
    README.write_text(readme_with_endpoints(README.read_text(), endpoints_section()))
    print(f"wrote the endpoint list into {README}")
