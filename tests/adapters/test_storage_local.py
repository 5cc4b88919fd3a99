"""Local file storage: names come from the server, bytes decide the extension, deletes stay under root,
private files stay out of the served root."""

from __future__ import annotations

import asyncio
import io
import re
from pathlib import Path

import pytest
from PIL import Image

from adapters.storage.local import LocalFileStorage
from application.shared.ports import Upload
from entrypoints.di.media import file_storage
from entrypoints.settings import Settings

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(17)
JPEG = b"\xff\xd8\xff\xe0" + bytes(16)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "media"


@pytest.fixture
def secret(tmp_path: Path, root: Path) -> Path:
    """A file next to the storage root, which no delete may reach."""
    root.mkdir()
    file = tmp_path / "secret.txt"
    file.write_text("keep me")
    return file


def stored(root: Path, public: str, prefix: str = "/media") -> Path:
    return root / public.removeprefix(prefix + "/")


def files_under(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


async def test_saves_png_under_a_random_name(root: Path) -> None:
    storage = LocalFileStorage(root)

    public = await storage.save("avatars", Upload(filename="me.png", content_type="image/png", data=PNG))

    assert re.fullmatch(r"/media/avatars/[0-9a-f]{32}\.png", public)
    assert stored(root, public).read_bytes() == PNG


async def test_bytes_decide_the_extension_not_the_client(root: Path) -> None:
    storage = LocalFileStorage(root)

    public = await storage.save("avatars", Upload(filename="photo.png", content_type="image/png", data=JPEG))

    assert public.endswith(".jpg")


async def test_two_saves_never_share_a_name(root: Path) -> None:
    storage = LocalFileStorage(root)
    upload = Upload(filename="a.png", content_type="image/png", data=PNG)

    first, second = await storage.save("avatars", upload), await storage.save("avatars", upload)

    assert first != second
    assert len(list((root / "avatars").iterdir())) == 2


async def test_traversing_filename_lands_inside_root(tmp_path: Path, root: Path) -> None:
    storage = LocalFileStorage(root)

    image = await storage.save("avatars", Upload(filename="../../etc/passwd.png", content_type="image/png", data=PNG))
    other = await storage.save("avatars", Upload(filename="../../etc/passwd.png", content_type="image/png", data=b"x"))

    assert re.fullmatch(r"/media/avatars/[0-9a-f]{32}\.png", image)
    assert re.fullmatch(r"/media/avatars/[0-9a-f]{32}\.png", other)
    assert stored(root, other).read_bytes() == b"x"
    assert names(tmp_path) == ["media"]
    assert names(root) == ["avatars"]


@pytest.mark.parametrize(
    ("filename", "extension"),
    [
        ("notes.PDF", "pdf"),
        ("page.html", "bin"),
        ("drawing.svg", "bin"),
        ("noextension", "bin"),
        ("weird.p$p", "bin"),
        ("dir/evil.", "bin"),
        ("archive.tar.gz", "gz"),
    ],
)
async def test_non_image_extension_falls_back_to_a_safe_one(root: Path, filename: str, extension: str) -> None:
    public = await LocalFileStorage(root).save("docs", Upload(filename=filename, content_type="x/y", data=b"data"))

    assert public.rsplit(".", 1)[1] == extension


@pytest.mark.parametrize("folder", ["../outside", "a/../../b", "", "av atars", "avatars/.."])
async def test_rejects_folders_that_are_not_plain_names(root: Path, folder: str) -> None:
    with pytest.raises(ValueError):
        await LocalFileStorage(root).save(folder, Upload(filename="a.png", content_type="image/png", data=PNG))


async def test_custom_prefix_and_nested_folder(root: Path) -> None:
    storage = LocalFileStorage(root, public_prefix="/files/")

    public = await storage.save("events/covers", Upload(filename="c.gif", content_type="image/gif", data=b"GIF89a.."))

    assert re.fullmatch(r"/files/events/covers/[0-9a-f]{32}\.gif", public)
    assert stored(root, public, "/files").read_bytes() == b"GIF89a.."


async def test_delete_removes_a_saved_file_and_ignores_missing_ones(root: Path) -> None:
    storage = LocalFileStorage(root)
    public = await storage.save("avatars", Upload(filename="me.png", content_type="image/png", data=PNG))

    await storage.delete(public)
    await storage.delete(public)

    assert not stored(root, public).exists()
    assert (root / "avatars").is_dir()


@pytest.mark.parametrize(
    "path",
    ["/media/../secret.txt", "/media/avatars/../../secret.txt", "/secret.txt", "../secret.txt"],
)
async def test_delete_refuses_paths_escaping_root(secret: Path, root: Path, path: str) -> None:
    await LocalFileStorage(root).delete(path)

    assert names(secret.parent) == ["media", "secret.txt"]
    assert await asyncio.to_thread(secret.read_text) == "keep me"


async def test_delete_ignores_external_urls_and_directories(root: Path) -> None:
    storage = LocalFileStorage(root)
    await storage.save("avatars", Upload(filename="me.png", content_type="image/png", data=PNG))

    await storage.delete("https://lh3.googleusercontent.com/a/photo.png")
    await storage.delete("/media/avatars")
    await storage.delete("/media/")

    assert len(list((root / "avatars").iterdir())) == 1


def real_png(size: tuple[int, int] = (600, 300)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "orange").save(out, format="PNG")
    return out.getvalue()


async def test_save_image_writes_the_image_and_its_thumbnail_under_root(root: Path) -> None:
    storage = LocalFileStorage(root)

    image = await storage.save_image("events/covers", Upload(filename="c.jpg", content_type="image/jpeg",
                                                             data=real_png()))

    assert re.fullmatch(r"/media/events/covers/[0-9a-f]{32}\.png", image.path)
    assert Image.open(stored(root, image.path)).size == (600, 300) == (image.width, image.height)
    assert Image.open(stored(root, image.thumbnail_path)).size == (400, 200)
    await storage.delete(image.path)
    assert names(root / "events" / "covers") == []


async def test_private_files_live_outside_the_served_root(tmp_path: Path, root: Path) -> None:
    storage = LocalFileStorage(root, private_root=tmp_path / "private")

    key = await storage.save_private("tickets/qr", "user-7", b"\x89PNG qr", "image/png")

    assert (tmp_path / "private" / key).read_bytes() == b"\x89PNG qr"
    assert files_under(root) == []
    assert await storage.open_private(key) == (b"\x89PNG qr", "image/png")
    assert await storage.open_private("tickets/qr/user-7/" + "0" * 32 + ".png") is None
    assert await storage.open_private(f"../media/{key}") is None
    await storage.delete_private(key)
    assert await storage.open_private(key) is None


def test_the_default_private_root_is_beside_root(tmp_path: Path, root: Path) -> None:
    assert LocalFileStorage(root).private_root == tmp_path / "media-private"


@pytest.mark.parametrize("private", ["media", "media/private", "media/a/b"])
def test_a_private_root_inside_the_served_root_is_refused(tmp_path: Path, root: Path, private: str) -> None:
    with pytest.raises(ValueError, match="must not lie inside"):
        LocalFileStorage(root, private_root=tmp_path / private)


def test_settings_choose_the_local_adapter_with_their_limits(tmp_path: Path) -> None:
    settings = Settings.from_env({"AGORA_DATA_DIR": str(tmp_path), "AGORA_SECRET_KEY": "k",
                                  "AGORA_MEDIA_MAX_BYTES": "2048", "AGORA_MEDIA_MAX_PIXELS": "1000000"})

    storage = file_storage(settings)

    assert isinstance(storage, LocalFileStorage)
    assert (storage.root, storage.private_root) == (tmp_path / "media", tmp_path / "private")
    assert (storage.rules.max_bytes, storage.rules.max_pixels) == (2048, 1_000_000)
    default = Settings.from_env({"AGORA_DATA_DIR": str(tmp_path), "AGORA_SECRET_KEY": "k"})
    assert (default.media_backend, default.media_max_bytes) == ("local", 5 * 1024 * 1024)
