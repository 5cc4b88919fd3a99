"""The file storage the settings choose: local disk (one app server, or a shared volume) or an S3 bucket."""

from __future__ import annotations

from adapters.storage.local import LocalFileStorage
from application.shared.media import MediaRules
from application.shared.ports import FileStorage
from entrypoints.settings import Settings


def media_rules(settings: Settings) -> MediaRules:
    return MediaRules(max_bytes=settings.media_max_bytes, max_pixels=settings.media_max_pixels)


def file_storage(settings: Settings) -> FileStorage:
    if settings.media_backend == "s3":
        from adapters.storage.s3 import S3FileStorage  # boto3 comes with the `s3` extra only

        assert settings.s3_bucket is not None
        return S3FileStorage(settings.s3_bucket, public_url=settings.media_public_url,
                             endpoint_url=settings.s3_endpoint_url, region=settings.s3_region,
                             rules=media_rules(settings))
    return LocalFileStorage(settings.media_root, public_prefix="/media", private_root=settings.media_private_root,
                            rules=media_rules(settings))
