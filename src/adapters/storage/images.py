"""Re-encoding an uploaded image with Pillow: sniffed type, pixel limit before decoding, orientation applied,
metadata dropped, and a WebP thumbnail. CPU-bound: callers run it in a thread."""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageOps

from application.shared.media import CORRUPT_IMAGE, NOT_AN_IMAGE, InvalidImage, MediaRules, too_many_pixels
from application.shared.uploads import image_extension

# Decoders we let Pillow use, by the type the first bytes show: nothing else is ever parsed.
PILLOW_FORMATS = {"jpg": "JPEG", "png": "PNG", "gif": "GIF", "webp": "WEBP"}
# What each type is stored as. A GIF keeps its first frame only, as a PNG (lossless; no animation to decode
# frame after frame, which is where GIF bombs hide).
OUTPUT = {"jpg": ("JPEG", "jpg", "image/jpeg"), "png": ("PNG", "png", "image/png"),
          "gif": ("PNG", "png", "image/png"), "webp": ("WEBP", "webp", "image/webp")}
THUMBNAIL_EXTENSION = "webp"


@dataclass(frozen=True)
class PreparedImage:
    data: bytes
    extension: str
    content_type: str
    width: int
    height: int
    thumbnail: bytes


def prepare_image(data: bytes, rules: MediaRules) -> PreparedImage:
    kind = image_extension(data)
    if kind is None:
        raise InvalidImage(NOT_AN_IMAGE)
    try:
        with Image.open(io.BytesIO(data), formats=[PILLOW_FORMATS[kind]]) as opened:
            if opened.width * opened.height > rules.max_pixels:
                raise InvalidImage(too_many_pixels(rules.max_pixels))
            opened.seek(0)
            opened.load()
            image = _plain(ImageOps.exif_transpose(opened), kind)
    except Image.DecompressionBombError:
        raise InvalidImage(too_many_pixels(rules.max_pixels)) from None
    except (OSError, SyntaxError, ValueError, EOFError):  # what Pillow raises on truncated or corrupt data
        raise InvalidImage(CORRUPT_IMAGE) from None
    pillow_format, extension, content_type = OUTPUT[kind]
    thumbnail = image.copy()
    thumbnail.thumbnail((rules.thumbnail_px, rules.thumbnail_px), Image.Resampling.LANCZOS)
    return PreparedImage(data=_encode(image, pillow_format), extension=extension, content_type=content_type,
                         width=image.width, height=image.height, thumbnail=_encode(thumbnail, "WEBP"))


def _plain(image: Image.Image, kind: str) -> Image.Image:
    """The pixels alone, in a mode the output format takes: no EXIF, XMP, comments or text chunks."""
    alpha = image.mode in {"RGBA", "LA", "PA", "RGBa", "La"} or "transparency" in image.info
    if kind == "jpg":
        mode = "L" if image.mode in {"1", "L", "I", "I;16", "F"} else "RGB"
    else:
        mode = "RGBA" if alpha else "RGB"
    plain = image.convert(mode)
    icc_profile = image.info.get("icc_profile")
    plain.info = {"icc_profile": icc_profile} if icc_profile else {}
    return plain


def _encode(image: Image.Image, pillow_format: str) -> bytes:
    out = io.BytesIO()
    options: dict[str, object] = {"icc_profile": image.info["icc_profile"]} if "icc_profile" in image.info else {}
    if pillow_format == "JPEG":
        options |= {"quality": 85, "optimize": True}
    elif pillow_format == "PNG":
        options |= {"compress_level": 3}  # a third of the default level 6's time, files as small (measured)
    elif pillow_format == "WEBP":
        options |= {"quality": 80, "method": 4}
    image.save(out, format=pillow_format, **options)
    return out.getvalue()
