"""The S3 adapter against a local S3-compatible server (moto's server mode, started here on a free port): public
objects readable by anyone at the public URL, private ones only through the API, credentials from the usual
AWS variables."""

from __future__ import annotations

import io
import json
import re
import socket
from collections.abc import Iterator
from pathlib import Path

import boto3
import httpx
import pytest
from botocore.config import Config
from moto.server import ThreadedMotoServer
from PIL import Image

from adapters.storage.s3 import S3FileStorage, default_public_url
from application.shared.media import InvalidImage, MediaRules
from application.shared.ports import Upload
from domain.shared.errors import TooLarge, Unavailable
from entrypoints.di.media import file_storage
from entrypoints.settings import Settings

BUCKET = "agora-media"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "agora-test", "AWS_SECRET_ACCESS_KEY": "agora-test-secret"}
# What a deployment sets on its bucket (or does with its CDN): anyone may read public/, nothing else.
PUBLIC_READ = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{BUCKET}/public/*"}]}


def png(size: tuple[int, int] = (800, 600)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "green").save(out, format="PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))


@pytest.fixture
def bucket(endpoint: str, aws_env: None) -> Iterator[str]:
    admin = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    admin.create_bucket(Bucket=BUCKET)
    admin.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(PUBLIC_READ))
    yield BUCKET
    for page in admin.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
        for item in page.get("Contents", []):
            admin.delete_object(Bucket=BUCKET, Key=item["Key"])
    admin.delete_bucket(Bucket=BUCKET)


@pytest.fixture
def storage(endpoint: str, bucket: str) -> S3FileStorage:
    return S3FileStorage(bucket, endpoint_url=endpoint, region="us-east-1")


def keys(endpoint: str) -> list[str]:
    listed = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1").list_objects_v2(Bucket=BUCKET)
    return sorted(item["Key"] for item in listed.get("Contents", []))


async def test_an_image_and_its_thumbnail_are_public_at_the_public_url(storage: S3FileStorage,
                                                                        endpoint: str) -> None:
    image = await storage.save_image("events/covers", Upload(filename="c.jpg", content_type="image/jpeg", data=png()))

    assert re.fullmatch(rf"{endpoint}/{BUCKET}/public/events/covers/[0-9a-f]{{32}}\.png", image.path)
    async with httpx.AsyncClient() as anonymous:
        served, thumbnail = await anonymous.get(image.path), await anonymous.get(image.thumbnail_path)
    assert served.status_code == 200 and served.headers["content-type"] == "image/png"
    assert "immutable" in served.headers["cache-control"]
    assert Image.open(io.BytesIO(served.content)).size == (800, 600) == (image.width, image.height)
    assert thumbnail.headers["content-type"] == "image/webp"
    assert Image.open(io.BytesIO(thumbnail.content)).size == (400, 300)


async def test_save_keeps_the_bytes_and_delete_removes_image_and_thumbnail(storage: S3FileStorage,
                                                                           endpoint: str) -> None:
    raw = await storage.save("docs", Upload(filename="notes.pdf", content_type="application/pdf", data=b"%PDF-1"))
    image = await storage.save_image("avatars", Upload(filename="a.png", content_type="image/png", data=png()))
    async with httpx.AsyncClient() as anonymous:
        assert (await anonymous.get(raw)).content == b"%PDF-1"

    await storage.delete(image.path)
    await storage.delete("https://elsewhere.example/public/avatars/x.png")
    await storage.delete(f"{endpoint}/{BUCKET}/public/../private/x/y/z.png")

    assert keys(endpoint) == [f"public/{raw.removeprefix(storage.public_base + '/')}"]


async def test_private_files_are_read_through_the_api_and_never_anonymously(storage: S3FileStorage,
                                                                            endpoint: str) -> None:
    key = await storage.save_private("tickets/qr", "user-42", png((50, 50)), "image/png")

    found = await storage.open_private(key)
    assert found is not None and found.content_type == "image/png" and found.data == png((50, 50))
    assert keys(endpoint) == [f"private/{key}"]
    async with httpx.AsyncClient() as anonymous:
        for url in (f"{endpoint}/{BUCKET}/private/{key}", f"{storage.public_base}/{key}",
                    f"{storage.public_base}/../private/{key}"):
            assert (await anonymous.get(url)).status_code in {403, 404}, url
    assert await storage.open_private(key.replace("user-42", "user-41")) is None
    await storage.delete_private(key)
    assert await storage.open_private(key) is None
    assert keys(endpoint) == []


async def test_the_rules_hold_on_s3_too(endpoint: str, bucket: str) -> None:
    storage = S3FileStorage(bucket, endpoint_url=endpoint, region="us-east-1", rules=MediaRules(max_bytes=2_000))

    with pytest.raises(InvalidImage):
        await storage.save_image("avatars", Upload(filename="a.png", content_type="image/png", data=b"text"))
    with pytest.raises(TooLarge):
        await storage.save_image("avatars", Upload(filename="a.png", content_type="image/png", data=png()))

    assert keys(endpoint) == []


async def test_a_public_url_of_a_cdn_is_what_paths_start_with(storage: S3FileStorage, endpoint: str,
                                                              bucket: str) -> None:
    cdn = S3FileStorage(bucket, endpoint_url=endpoint, region="us-east-1", public_url="https://cdn.example/m/")

    path = await cdn.save("docs", Upload(filename="a.txt", content_type="text/plain", data=b"hello"))
    await cdn.delete(f"{storage.public_base}/{path.removeprefix('https://cdn.example/m/')}")  # not its URL: kept

    assert path.startswith("https://cdn.example/m/docs/")
    assert keys(endpoint) == [f"public/{path.removeprefix('https://cdn.example/m/')}"]
    await cdn.delete(path)
    assert keys(endpoint) == []


async def test_a_server_out_of_reach_is_unavailable_not_a_crash(aws_env: None) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    client = boto3.client("s3", endpoint_url=closed, region_name="us-east-1",
                          config=Config(retries={"max_attempts": 1}, connect_timeout=2))
    storage = S3FileStorage(BUCKET, endpoint_url=closed, client=client)

    with pytest.raises(Unavailable):
        await storage.save("docs", Upload(filename="a.txt", content_type="text/plain", data=b"x"))
    with pytest.raises(Unavailable):
        await storage.open_private("tickets/user-1/" + "0" * 32 + ".png")


def test_settings_choose_the_s3_adapter(tmp_path: Path, aws_env: None) -> None:
    settings = Settings.from_env({
        "AGORA_DATA_DIR": str(tmp_path), "AGORA_SECRET_KEY": "k", "AGORA_MEDIA_BACKEND": "s3",
        "AGORA_S3_BUCKET": BUCKET, "AGORA_S3_ENDPOINT_URL": "http://127.0.0.1:9000", "AGORA_S3_REGION": "eu-west-3",
        "AGORA_MEDIA_PUBLIC_URL": "https://cdn.example/media", "AGORA_MEDIA_MAX_BYTES": "1234"})

    storage = file_storage(settings)

    assert isinstance(storage, S3FileStorage)
    assert (storage.bucket, storage.public_base, storage.rules.max_bytes) == (
        BUCKET, "https://cdn.example/media", 1234)
    assert storage.client.meta.region_name == "eu-west-3"
    with pytest.raises(ValueError, match="AGORA_S3_BUCKET"):
        Settings.from_env({"AGORA_DATA_DIR": str(tmp_path), "AGORA_SECRET_KEY": "k", "AGORA_MEDIA_BACKEND": "s3"})
    with pytest.raises(ValueError, match="AGORA_MEDIA_BACKEND"):
        Settings.from_env({"AGORA_DATA_DIR": str(tmp_path), "AGORA_SECRET_KEY": "k", "AGORA_MEDIA_BACKEND": "ftp"})


def test_the_default_public_url_is_the_buckets_public_prefix() -> None:
    assert default_public_url("b1", None, "eu-west-3") == "https://b1.s3.eu-west-3.amazonaws.com/public"
    assert default_public_url("b1", "http://minio:9000/", None) == "http://minio:9000/b1/public"
