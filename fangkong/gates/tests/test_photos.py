"""Issue 9, hole 11: inspection photos are images only, re-encoded, size-limited, served scoped."""

import io

import pytest
from PIL import Image

from fangkong.gates import services
from fangkong.gates.models import InspectionPhoto


@pytest.fixture
def inspecting(client, tree, make_user, settings, tmp_path):
    from faker import Faker

    settings.MEDIA_ROOT = tmp_path
    notice = services.returnee_notice_submit(
        area=tree.a.household,
        submitted_by="self",
        name="返京丙",
        id_number=Faker("zh_CN").ssn(),
        travel_from="河北",
    )
    worker = make_user("community_worker", tree.a.community)
    services.returnee_review(actor=worker, notice=notice, accept=True)
    client.force_login(worker)
    return notice


def _post(client, notice, *files):
    data = {f"cond_{i}": "on" for i in range(4)} | {"notes": "", "photos": list(files)}
    return client.post(f"/gates/returnees/{notice.pk}/inspect/", data, follow=True)


def _file(content: bytes, name: str):
    f = io.BytesIO(content)
    f.name = name
    return f


def _jpeg_with_exif() -> bytes:
    img = Image.new("RGB", (64, 48), "red")
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_html_disguised_as_photo_is_refused_and_nothing_is_stored(client, inspecting):
    html = b"<html><script>alert(document.cookie)</script></html>"
    good = _file(_jpeg_with_exif(), "ok.jpg")
    resp = _post(client, inspecting, good, _file(html, "room.jpg"))
    assert "room.jpg 不是照片" in resp.content.decode()  # the error names the file
    assert not inspecting.inspections.exists() and not InspectionPhoto.objects.exists()


def test_oversized_photo_is_refused(client, inspecting, settings):
    settings.FANGKONG_PHOTO_MAX_BYTES = 1000
    big = io.BytesIO()
    Image.effect_noise((200, 200), 50).convert("RGB").save(big, "PNG")
    _post(client, inspecting, _file(big.getvalue(), "big.png"))
    assert not InspectionPhoto.objects.exists()


def test_photo_is_reencoded_without_metadata_and_served_only_in_scope(client, inspecting, tree, make_user):
    raw = _jpeg_with_exif()
    assert b"SecretCam" in raw
    _post(client, inspecting, _file(raw, "door.jpg"))
    photo = InspectionPhoto.objects.get()
    assert photo.file.name.endswith(".jpg") and "door" not in photo.file.name
    page = client.get(f"/gates/returnees/{inspecting.pk}/").content.decode()
    url = f"/gates/inspection-photos/{photo.pk}/"
    assert url in page and "/media/" not in page
    resp = client.get(url)
    body = b"".join(resp.streaming_content)
    assert resp["Content-Type"] == "image/jpeg" and body.startswith(b"\xff\xd8\xff")
    assert b"SecretCam" not in body and Image.open(io.BytesIO(body)).size == (64, 48)
    client.force_login(make_user("community_worker", tree.b.community))
    assert client.get(url).status_code == 404
