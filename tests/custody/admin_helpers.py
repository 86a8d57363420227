"""Small helpers for the admin and file-view tests: reach a state through the real services, and
make image bytes (good ones and hostile ones)."""

from __future__ import annotations

import datetime
import io
import struct
import zlib

from PIL import Image

from custody import services
from custody.models import CourtOrder
from tests.custody.four_eyes import end_custody

_PATHS = {
    "identified": [],
    "restrained": ["restrain"],
    "in_custody": ["restrain", "seize"],
    "confiscated": ["restrain", "seize", "confiscate"],
    "awaiting_disposition": ["restrain", "seize", "confiscate", "refer_for_disposition"],
    "disposed": ["restrain", "seize", "confiscate", "refer_for_disposition", "dispose"],
}
_ORDER_TYPE = {"restrain": "restraint", "seize": "seizure", "confiscate": "confiscation"}


def order_for(asset, order_type: str) -> CourtOrder:
    n = CourtOrder.objects.count() + 1
    order = CourtOrder.objects.create(case=asset.case, order_type=order_type, reference=f"{order_type.upper()}-{n}",
                                      issued_on=datetime.date.today(), issuing_court="Regional Court of Example")
    order.assets.set([asset])
    return order


def bring_to(asset, state: str, *, officer, approver) -> None:
    """Move a freshly registered asset to `state` the lawful way."""
    for step in _PATHS[state]:
        order = order_for(asset, _ORDER_TYPE[step]) if step in _ORDER_TYPE else None
        if step == "dispose":
            end_custody(asset_id=asset.pk, transition=step, actor=approver, reason="test step",
                        disposition="social_reuse")
            continue
        actor = officer
        services.asset_transition(asset_id=asset.pk, transition=step, actor=actor,
                                  order_id=order.pk if order else None, reason="test step",
                                  disposition="social_reuse" if step == "dispose" else None)
    asset.refresh_from_db()


def png_bytes(size: tuple[int, int] = (64, 48), color: str = "red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bomb(width: int = 50_000, height: int = 50_000) -> bytes:
    """A tiny, well-formed PNG whose header claims width × height pixels."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + _chunk(b"IEND", b""))
