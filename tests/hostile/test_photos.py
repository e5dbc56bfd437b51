"""Hostile photos: files that are not what they claim, bombs, empty or oversized files, bad fields, the wrong person
or finding, and resumable uploads with wrong ranges, offsets, totals or bytes. Each answers a 4xx with a message and
leaves no row and no file (not even a `.part` chunk) behind."""

import uuid

import pytest

from tests.hostile.conftest import as_upload
from tests.hostile.corpus import Case, ids, resolve, run
from tests.inspections.conftest import photo_bytes
from tests.inspections.photos.images import encode, png_with_header, scene

pytestmark = pytest.mark.django_db

SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(document.cookie)</script></svg>"
)


def small(fmt: str) -> bytes:
    return encode(scene((120, 90), seed=2), fmt)


def png_posing_as_jpeg_header() -> bytes:
    """A JPEG's first bytes followed by a PNG: the type sniffed from the magic does not decode."""
    return b"\xff\xd8\xff\xe0" + small("PNG")


def jpeg_headers_only() -> bytes:
    data = photo_bytes(seed=6)
    return data[: data.index(b"\xff\xda") + 20]  # the markers and EXIF, cut just into the scan


def new_photo(scene):
    return f"/api/photos/{uuid.uuid4()}/"


def multipart(data, *, name="photo.jpg", **fields):
    """A multipart body for the scene's finding; `data` is a callable so that images are made when the case runs."""

    def body(scene):
        payload = {"file": as_upload(data(), name), "finding": str(scene.finding.pk), "role": "before"}
        payload.update(resolve(fields, scene))
        return {key: value for key, value in payload.items() if value is not None}

    return body


def put_file(name, data, status, message=None, *, user="inspector", settings=None, file_name="photo.jpg", **fields):
    return Case(
        name=name,
        method="PUT",
        path=new_photo,
        user=user,
        body=multipart(data, name=file_name, **fields),
        format="multipart",
        status=status,
        message=message,
        settings=settings,
    )


def good():
    return photo_bytes(seed=8)


MULTIPART = [
    put_file("jpeg cut inside its first scan", jpeg_headers_only, 400, "corrupt"),
    put_file("jpeg magic followed by a png", png_posing_as_jpeg_header, 400),
    put_file("png magic followed by a jpeg", lambda: b"\x89PNG\r\n\x1a\n" + good()[2:], 400),
    put_file("gif named .jpg", lambda: small("GIF"), 415, "JPEG"),
    put_file("bmp named .jpg", lambda: small("BMP"), 415),
    put_file("tiff named .jpg", lambda: small("TIFF"), 415),
    put_file("svg with a script", lambda: SVG, 415, file_name="photo.svg"),
    put_file("html page named .jpg", lambda: b"<html><script>alert(1)</script></html>", 415),
    put_file("zero bytes", lambda: b"", 400, "empty"),
    put_file("one byte", lambda: b"\xff", 415),
    put_file("png bomb 200000 x 1000 pixels", lambda: png_with_header(200_000, 1_000), 413, "pixels"),
    put_file("png bomb 65535 squared", lambda: png_with_header(65_535, 65_535), 413),
    put_file("one byte over the size limit", good, 413, settings={"PHOTO_MAX_BYTES": 20_000}),
    put_file("role that does not exist", good, 400, "role", role="during"),
    put_file("finding that is not a uuid", good, 400, "finding", finding="1 OR 1=1"),
    put_file("finding that does not exist", good, 404, "not on the server", finding=str(uuid.UUID(int=7))),
    put_file("finding of another community", good, 404, user="east_inspector"),
    put_file("after-photo by another unit", good, 404, user="east_rectifier", role="after"),
    put_file("longitude without latitude", good, 400, lon="116.215"),
    put_file("longitude beyond 180", good, 400, "180", lon="181", lat="39.845"),
    put_file("latitude NaN", good, 400, lon="116.215", lat="NaN"),
    put_file("accuracy negative", good, 400, lon="116.215", lat="39.845", accuracy="-3"),
    put_file("accuracy infinite", good, 400, lon="116.215", lat="39.845", accuracy="Infinity"),
    put_file(
        "finding of another inspection",
        good,
        400,
        "another inspection",
        inspection=lambda s: str(s.east_task.finding.inspection_id),
    ),
    Case(
        name="file sent as text",
        method="PUT",
        path=new_photo,
        body=lambda s: {"file": "not a file", "finding": str(s.finding.pk)},
        format="multipart",
        status=400,
        message="file",
    ),
    Case(
        name="no file",
        method="PUT",
        path=new_photo,
        body=lambda s: {"finding": str(s.finding.pk)},
        format="multipart",
        status=400,
        message="file",
    ),
    Case(
        name="multipart without a boundary",
        method="PUT",
        path=new_photo,
        body=b"--x\r\nContent-Disposition: form-data; name=file\r\n\r\n\xff\xd8\r\n--x--",
        format="raw",
        content_type="multipart/form-data",
        status=400,
        message="boundary",
    ),
    Case(
        name="anonymous",
        method="PUT",
        path=new_photo,
        user=None,
        body=multipart(good),
        format="multipart",
        status=401,
    ),
    Case(
        name="stored photo id with another file",
        method="PUT",
        path=lambda s: f"/api/photos/{s.photo.pk}/",
        body=multipart(good),
        format="multipart",
        status=409,
        message="already stored",
    ),
]


def chunk(name, status, message=None, *, photo=None, data=None, content_range=None, query=None, user="inspector",
          settings=None, headers=None):  # fmt: skip
    """A raw chunk; by default the second half of the scene's half-received upload, with its Content-Range."""

    def path(scene):
        return f"/api/photos/{photo(scene) if photo else scene.half.id}/"

    def body(scene):
        return data(scene) if data else scene.half.data[len(scene.half.data) // 2 :]

    def all_headers(scene):
        whole = scene.half.data
        header = content_range(scene) if content_range else f"bytes {len(whole) // 2}-{len(whole) - 1}/{len(whole)}"
        return {**({"Content-Range": header} if header else {}), **(headers(scene) if headers else {})}

    return Case(
        name=name,
        method="PUT",
        path=path,
        user=user,
        body=body,
        format="raw",
        content_type="application/octet-stream",
        query=query or (lambda s: {"finding": str(s.finding.pk), "role": "before"}),
        headers=all_headers,
        status=status,
        message=message,
        settings=settings,
    )


def whole(scene):
    return len(scene.half.data)


RESUMABLE = [
    chunk("chunk without Content-Range", 400, "Content-Range", content_range=lambda s: ""),
    chunk("Content-Range in the wrong unit", 400, "cannot be read", content_range=lambda s: f"items 0-9/{whole(s)}"),
    chunk("Content-Range with a negative start", 400, content_range=lambda s: f"bytes -5-9/{whole(s)}"),
    chunk("Content-Range ending before it starts", 400, "inconsistent", content_range=lambda s: "bytes 90-10/100"),
    chunk("Content-Range past its total", 400, "inconsistent", content_range=lambda s: "bytes 0-99/50"),
    chunk("Content-Range of a zero-byte file", 400, content_range=lambda s: "bytes 0-0/0"),
    chunk(
        "Content-Range of 30 digits",
        400,
        content_range=lambda s: "bytes 0-999999999999999999999999999998/999999999999999999999999999999",
    ),
    chunk(
        "chunk shorter than its range",
        400,
        "announces",
        data=lambda s: s.half.data[len(s.half.data) // 2 : -10],
    ),
    chunk(
        "chunk past the offset (a gap)",
        409,
        "send from byte",
        data=lambda s: s.half.data[-100:],
        content_range=lambda s: f"bytes {whole(s) - 100}-{whole(s) - 1}/{whole(s)}",
    ),
    chunk(
        "chunk declaring another total",
        409,
        "bytes",
        content_range=lambda s: f"bytes {whole(s) // 2}-{whole(s) - 1}/{whole(s) + 1}",
    ),
    chunk(
        "bytes already received sent with other content",
        409,
        "other content",
        data=lambda s: bytes(100),
        content_range=lambda s: f"bytes 0-99/{whole(s)}",
    ),
    chunk("someone else's upload in progress", 409, "another person", user="manager"),
    chunk(
        "upload in progress sent for another role",
        403,
        "photo",
        query=lambda s: {"finding": str(s.finding.pk), "role": "after"},
        user="inspector",
    ),
    chunk(
        "upload in progress sent for another finding",
        409,
        "another finding",
        query=lambda s: {"finding": str(s.east_task.finding_id), "role": "before"},
    ),
    chunk(
        "first chunk declaring a terabyte",
        413,
        photo=lambda s: uuid.uuid4(),
        data=lambda s: s.half.data[:1000],
        content_range=lambda s: "bytes 0-999/1000000000000",
    ),
    chunk(
        "chunk over the chunk limit",
        413,
        "chunk",
        settings={"PHOTO_CHUNK_MAX_BYTES": 1000},
    ),
    chunk(
        "a whole corrupt file in one chunk",
        400,
        photo=lambda s: uuid.uuid4(),
        data=lambda s: s.half.data[:2000],
        content_range=lambda s: "bytes 0-1999/2000",
    ),
    chunk("chunk without a finding", 400, "finding", query=lambda s: {"role": "before"}),
    chunk(
        "chunk declaring a Content-Length of a terabyte",
        413,
        "chunk",
        photo=lambda s: uuid.uuid4(),
        data=lambda s: s.half.data[:1000],
        content_range=lambda s: "bytes 0-999/2000",
        headers=lambda s: {"Content-Length": str(10**12)},
    ),
    chunk(
        "chunk with a longitude that is text",
        400,
        "lon",
        query=lambda s: {"finding": str(s.finding.pk), "lon": "east", "lat": "39.8"},
    ),
    chunk(
        "chunk of a finished upload with other bytes",
        409,
        "already stored",
        photo=lambda s: s.photo.pk,
        data=lambda s: bytes(100),
        content_range=lambda s: f"bytes 0-99/{s.photo.file.size}",
    ),
]

CASES = MULTIPART + RESUMABLE


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_hostile_photo(scene, case):
    run(case, scene)


def test_an_svg_is_never_served_back(scene):
    """The SVG's script never reaches a page: it is refused before storage, so no URL of it exists."""
    response = run(MULTIPART[6], scene)
    assert b"<script" not in response.content


def absurd_exif(**fields) -> bytes:
    from tests.inspections.photos.images import exif_block

    return encode(scene((320, 240), seed=11), "JPEG", exif=exif_block(**fields), quality=85)


@pytest.mark.parametrize(
    "fields",
    [
        {"lat": 95.0, "lon": 116.2301},
        {"lat": 39.8451, "lon": 196.2301},
        {"taken": "9999:99:99 99:99:99", "offset": "+99:00"},
        {"taken": "1900:01:01 00:00:00"},
    ],
    ids=["latitude 95", "longitude 196", "date 9999-99-99", "date 1900"],
)
def test_absurd_exif_is_stored_as_the_file_it_is_without_trusting_it(scene, fields, client_for):
    """A camera's EXIF is the photo's own claim: an impossible one is no reason to refuse the evidence, but it is
    never read as a place or time (and the photo says so)."""
    response = client_for(scene.world.users.inspector).put(
        f"/api/photos/{uuid.uuid4()}/",
        {"file": as_upload(absurd_exif(**fields)), "finding": str(scene.finding.pk), "role": "before"},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["exif"]["lat"], body["exif"]["lon"]) == (None, None)
    codes = {flag["code"] for flag in body["flags"]}
    assert "no_gps" in codes
    if "taken" in fields:
        assert body["exif"]["taken_at"] is None or "taken_long_before" in codes, body
