"""Files in an S3-compatible bucket (AWS S3, MinIO, Cloudflare R2, Scaleway, ...), for several app servers.

One bucket, two prefixes: `public/` (readable by anyone through the bucket policy or a CDN, served from
`public_url`) and `private/` (never public: read through the API with `open_private`). boto3's client is
blocking and thread-safe: each call runs in a thread. Credentials come from boto3's usual chain (AWS_ACCESS_KEY_ID
and AWS_SECRET_ACCESS_KEY, a profile, an instance role)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from adapters.storage.base import StorageBase
from application.shared.media import MediaRules
from domain.shared.errors import Unavailable

log = logging.getLogger("agora.storage")
PUBLIC_PREFIX = "public/"
PRIVATE_PREFIX = "private/"
# Names are never reused, so a public object never changes: caches may keep it for good.
IMMUTABLE = "public, max-age=31536000, immutable"
UNAVAILABLE = "Stockage des fichiers indisponible, réessayez plus tard"
MISSING = frozenset({"NoSuchKey", "404", "NotFound"})


class S3FileStorage(StorageBase):
    def __init__(self, bucket: str, *, public_url: str | None = None, endpoint_url: str | None = None,
                 region: str | None = None, rules: MediaRules | None = None, client: Any = None) -> None:
        super().__init__(rules)
        self.bucket = bucket
        self.public_base = (public_url or default_public_url(bucket, endpoint_url, region)).rstrip("/")
        self.client = client or boto3.client(
            "s3", endpoint_url=endpoint_url, region_name=region,
            config=Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=5, read_timeout=30))

    async def _put_public(self, key: str, data: bytes, content_type: str) -> None:
        await self._call("put_object", Bucket=self.bucket, Key=PUBLIC_PREFIX + key, Body=data,
                         ContentType=content_type, CacheControl=IMMUTABLE)

    async def _delete_public(self, key: str) -> None:
        await self._call("delete_object", Bucket=self.bucket, Key=PUBLIC_PREFIX + key)

    async def _put_private(self, key: str, data: bytes, content_type: str) -> None:
        await self._call("put_object", Bucket=self.bucket, Key=PRIVATE_PREFIX + key, Body=data,
                         ContentType=content_type)

    async def _get_private(self, key: str) -> bytes | None:
        def read() -> bytes | None:
            try:
                answer = self.client.get_object(Bucket=self.bucket, Key=PRIVATE_PREFIX + key)
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") in MISSING:
                    return None
                raise
            body: bytes = answer["Body"].read()
            return body

        found: bytes | None = await self._in_thread(read)
        return found

    async def _delete_private(self, key: str) -> None:
        await self._call("delete_object", Bucket=self.bucket, Key=PRIVATE_PREFIX + key)

    async def _call(self, operation: str, **arguments: Any) -> None:
        await self._in_thread(lambda: getattr(self.client, operation)(**arguments))

    async def _in_thread(self, work: Any) -> Any:
        try:
            return await asyncio.to_thread(work)
        except (BotoCoreError, ClientError) as error:
            log.warning("S3 bucket %s: %s", self.bucket, error)
            raise Unavailable(UNAVAILABLE) from error


def default_public_url(bucket: str, endpoint_url: str | None, region: str | None) -> str:
    """The bucket's own URL of the public prefix (path style on a custom endpoint)."""
    if endpoint_url:
        return f"{endpoint_url.rstrip('/')}/{bucket}/{PUBLIC_PREFIX.rstrip('/')}"
    host = f"s3.{region}.amazonaws.com" if region else "s3.amazonaws.com"
    return f"https://{bucket}.{host}/{PUBLIC_PREFIX.rstrip('/')}"
