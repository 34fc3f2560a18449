"""sendPhoto in the fake Bot API: an upload or a known file_id, Telegram's limits, a caption."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image
from telegram import Bot
from telegram.error import BadRequest

from taskbot.localapi import FakeBotApi
from taskbot.localapi.methods import image_size
from tests.localapi.conftest import GROUP


def png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(out, format="PNG")
    return out.getvalue()


def jpeg(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(out, format="JPEG")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "size"),
    [
        (png(640, 480), (640, 480)),
        (jpeg(33, 700), (33, 700)),
        (b"GIF89a" + bytes(20), None),
        (b"\x89PNG\r\n\x1a\n" + bytes(4), None),  # cut short
        (b"\xff\xd8\xff\xe0" + struct.pack(">H", 4) + bytes(2), None),  # a JPEG without a frame
        (b"", None),
    ],
)
def test_image_size(data: bytes, size: tuple[int, int] | None) -> None:
    assert image_size(data) == size


async def test_a_photo_upload_with_a_caption(api: FakeBotApi, bot: Bot) -> None:
    sent = await bot.send_photo(GROUP, png(1152, 600), caption="<b>图</b> 表", parse_mode="HTML")
    assert sent.caption == "图 表"
    biggest = sent.photo[-1]
    assert (biggest.width, biggest.height) == (1152, 600)
    assert api.file_bytes(biggest.file_id) == png(1152, 600)
    message = await api.wait_for_message(GROUP)
    assert message["photo"][-1]["file_id"] == biggest.file_id
    # the same picture again by its file_id
    again = await bot.send_photo(GROUP, biggest.file_id)
    assert again.photo[-1].file_id == biggest.file_id


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"not a picture at all", "IMAGE_PROCESS_FAILED"),
        (png(2100, 100), "PHOTO_INVALID_DIMENSIONS"),  # sides beyond 20:1
        (png(6000, 4100), "PHOTO_INVALID_DIMENSIONS"),  # width + height beyond 10000
        # a 10 MB+ picture: an uncompressed PNG chunk makes it big cheaply
        (png(10, 10)[:-12] + b"\x00" * (10 * 1024 * 1024) + png(10, 10)[-12:], "PHOTO_SAVE_FILE_INVALID"),
    ],
)
async def test_pictures_telegram_refuses(api: FakeBotApi, bot: Bot, data: bytes, error: str) -> None:
    with pytest.raises(BadRequest, match=f"(?i){error}"):
        await bot.send_photo(GROUP, data)
    assert [(call.method, err.code) for call, err in api.failures] == [("sendPhoto", 400)]
    assert api.world.files == {}  # nothing stored, nothing sent


def test_png_helper_writes_a_real_png() -> None:
    data = png(3, 2)
    assert data[12:16] == b"IHDR" and zlib.crc32(data[12:29]) == struct.unpack(">I", data[29:33])[0]
