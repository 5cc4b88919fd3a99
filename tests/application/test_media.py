"""The media port's rules, on the memory storage (the same code as every adapter): the bytes decide the type,
images are re-encoded upright without metadata, limits hold, and refusals are errors a face can answer."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image, ImageOps

from adapters.memory.ports import MemoryFileStorage
from application.shared.media import FileTooLarge, InvalidImage, MediaRules, store_image
from application.shared.ports import Upload
from domain.shared.errors import TooLarge

GPS_IFD = 0x8825
ORIENTATION = 0x0112
MAKE = 0x010F


def encoded(image: Image.Image, pillow_format: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format=pillow_format, **options)
    return out.getvalue()


def photo(size: tuple[int, int] = (64, 32), pillow_format: str = "JPEG", **options: object) -> bytes:
    """Left half red, right half blue: which way it is turned shows."""
    image = Image.new("RGB", size, "blue")
    image.paste("red", (0, 0, size[0] // 2, size[1]))
    return encoded(image, pillow_format, **options)


def with_gps(size: tuple[int, int], orientation: int = 1) -> bytes:
    exif = Image.Exif()
    exif[MAKE] = "PhoneMaker"
    exif[ORIENTATION] = orientation
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (6.0, 21.0, 0.0), 3: "E", 4: (2.0, 25.0, 0.0)})
    return photo(size, "JPEG", exif=exif.tobytes())


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims a huge size over a few bytes of data: decoding it would need width x height bytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes(1024)))
            + chunk(b"IEND", b""))


def opened(storage: MemoryFileStorage, path: str) -> Image.Image:
    return Image.open(io.BytesIO(storage.files[path]))


def upload(data: bytes, filename: str = "photo.jpg", content_type: str = "image/jpeg") -> Upload:
    return Upload(filename=filename, content_type=content_type, data=data)


async def test_a_png_named_jpg_is_stored_as_png() -> None:
    storage = MemoryFileStorage()

    image = await storage.save_image("events/covers", upload(photo(pillow_format="PNG"), "cover.jpg", "image/jpeg"))

    assert image.path.startswith("/media/events/covers/") and image.path.endswith(".png")
    assert image.content_type == "image/png"
    assert opened(storage, image.path).format == "PNG"
    assert (image.width, image.height) == (64, 32)


@pytest.mark.parametrize(("data", "filename"), [
    (b"just some text, honest\n", "image.png"),
    (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "logo.png"),
    (b"", "empty.png"),
    (b"\x89PNG\r\n\x1a\n" + bytes(64), "truncated.png"),
    (photo()[:200], "cut.jpg"),
])
async def test_what_is_not_a_whole_image_is_refused_and_nothing_is_stored(data: bytes, filename: str) -> None:
    storage = MemoryFileStorage()

    with pytest.raises(InvalidImage):
        await storage.save_image("avatars", upload(data, filename, "image/png"))

    assert storage.files == {}


async def test_exif_and_gps_are_gone_and_the_orientation_is_applied() -> None:
    storage = MemoryFileStorage()
    original = with_gps((64, 32), orientation=6)  # 6: the camera was turned, show it rotated 90° clockwise
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)

    image = await storage.save_image("avatars", upload(original))

    stored = opened(storage, image.path)
    assert dict(stored.getexif()) == {} and not stored.getexif().get_ifd(GPS_IFD)
    assert b"PhoneMaker" not in storage.files[image.path] and b"Exif" not in storage.files[image.path]
    assert (image.width, image.height) == stored.size == (32, 64)
    upright = ImageOps.exif_transpose(Image.open(io.BytesIO(original)))
    assert stored.convert("RGB").getpixel((16, 4)) == pytest.approx(upright.getpixel((16, 4)), abs=40)
    thumbnail = opened(storage, image.thumbnail_path)
    assert dict(thumbnail.getexif()) == {}


async def test_the_thumbnail_is_a_webp_of_at_most_400_px_keeping_the_proportions() -> None:
    storage = MemoryFileStorage()

    image = await storage.save_image("events/covers", upload(photo((1200, 800))))

    thumbnail = opened(storage, image.thumbnail_path)
    assert thumbnail.format == "WEBP" and thumbnail.size == (400, 267)
    assert image.thumbnail_path == image.path.rsplit(".", 1)[0] + ".thumb.webp"
    assert (image.width, image.height) == (1200, 800)


async def test_a_small_image_keeps_its_size_in_the_thumbnail() -> None:
    storage = MemoryFileStorage()

    image = await storage.save_image("avatars", upload(photo((40, 30), "WEBP"), "a.webp", "image/webp"))

    assert image.content_type == "image/webp"
    assert opened(storage, image.thumbnail_path).size == (40, 30)


async def test_transparency_survives_in_png_and_webp() -> None:
    storage = MemoryFileStorage()
    clear = encoded(Image.new("RGBA", (10, 10), (255, 0, 0, 0)), "PNG")

    image = await storage.save_image("logos", upload(clear, "logo.png", "image/png"))

    assert opened(storage, image.path).getpixel((5, 5))[3] == 0
    assert opened(storage, image.thumbnail_path).getpixel((5, 5))[3] == 0


async def test_an_animated_gif_keeps_its_first_frame_as_a_png() -> None:
    storage = MemoryFileStorage()
    frames = [Image.new("P", (20, 10), color) for color in (1, 2, 3)]
    gif = io.BytesIO()
    frames[0].save(gif, format="GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)

    image = await storage.save_image("avatars", upload(gif.getvalue(), "a.gif", "image/gif"))

    stored = opened(storage, image.path)
    assert image.content_type == "image/png" and stored.format == "PNG"
    assert getattr(stored, "n_frames", 1) == 1 and stored.size == (20, 10)


async def test_a_cmyk_jpeg_is_stored_as_rgb() -> None:
    storage = MemoryFileStorage()

    image = await storage.save_image("avatars", upload(encoded(Image.new("CMYK", (8, 8)), "JPEG")))

    assert opened(storage, image.path).mode == "RGB"


async def test_a_file_over_the_limit_is_too_large_and_not_stored() -> None:
    storage = MemoryFileStorage()
    storage.rules = MediaRules(max_bytes=1000)
    big = photo((400, 400), "PNG", compress_level=0)
    assert len(big) > 1000

    with pytest.raises(FileTooLarge) as refused:
        await storage.save_image("avatars", upload(big, "big.png", "image/png"))
    with pytest.raises(TooLarge):
        await storage.save("docs", upload(bytes(1001), "a.pdf", "application/pdf"))
    with pytest.raises(TooLarge):
        await storage.save_private("tickets", "user-1", bytes(1001), "image/png")

    assert refused.value.message == "Fichier trop lourd (1000 octets au plus)"
    assert storage.files == {} and storage.private == {}
    assert await storage.save("docs", upload(bytes(1000), "a.pdf", "application/pdf"))


@pytest.mark.parametrize("size", [(100_000, 100_000), (20_000, 3_000)])
async def test_a_decompression_bomb_is_refused_before_its_pixels_are_decoded(size: tuple[int, int]) -> None:
    storage = MemoryFileStorage()
    bomb = png_header_only(*size)
    assert len(bomb) < 2_000

    with pytest.raises(InvalidImage, match="mégapixels"):
        await storage.save_image("avatars", upload(bomb, "bomb.png", "image/png"))

    assert storage.files == {}


async def test_the_pixel_limit_comes_from_the_rules() -> None:
    storage = MemoryFileStorage()
    storage.rules = MediaRules(max_pixels=1_000)

    with pytest.raises(InvalidImage):
        await storage.save_image("avatars", upload(photo((40, 30))))
    assert await storage.save_image("avatars", upload(photo((40, 25))))


async def test_store_image_reports_a_refusal_on_the_commands_field_and_lets_too_large_through() -> None:
    storage = MemoryFileStorage()

    with pytest.raises(InvalidImage) as refused:
        await store_image(storage, "events/covers", upload(b"not an image"), field="cover")
    storage.rules = MediaRules(max_bytes=10)
    with pytest.raises(FileTooLarge):
        await store_image(storage, "events/covers", upload(photo()), field="cover")

    assert list(refused.value.details) == ["cover"]


async def test_deleting_an_image_deletes_its_thumbnail() -> None:
    storage = MemoryFileStorage()
    kept = await storage.save_image("avatars", upload(photo()))
    image = await storage.save_image("avatars", upload(photo()))

    await storage.delete(image.path)

    assert set(storage.files) == {kept.path, kept.thumbnail_path}


async def test_private_files_keep_their_type_and_are_found_by_their_key_only() -> None:
    storage = MemoryFileStorage()

    key = await storage.save_private("tickets/qr", "user-42", b"\x89PNG...", "image/png")
    other = await storage.save_private("exports", "site-CAB", b"a;b", "application/x-unknown")

    assert key.startswith("tickets/qr/user-42/") and key.endswith(".png")
    assert await storage.open_private(key) == (b"\x89PNG...", "image/png")
    assert await storage.open_private(other) == (b"a;b", "application/octet-stream")
    assert await storage.open_private("tickets/qr/user-42/../../secret.png") is None
    assert await storage.open_private(key.replace("user-42", "user-43")) is None
    assert storage.files == {}
    await storage.delete_private(key)
    assert await storage.open_private(key) is None


@pytest.mark.parametrize(("folder", "owner"), [("tickets", "../user"), ("tickets", ""), ("../x", "user-1"),
                                                ("tickets", "a/b")])
async def test_private_keys_are_made_of_plain_names(folder: str, owner: str) -> None:
    with pytest.raises(ValueError):
        await MemoryFileStorage().save_private(folder, owner, b"x", "text/plain")
