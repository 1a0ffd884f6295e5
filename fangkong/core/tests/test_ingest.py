"""core.ingest (the write half every import shares) and the xlsx reader's one-pass character references."""

import html

import pytest
from django.db import transaction

from fangkong.areas.models import Place
from fangkong.core import imports as ci
from fangkong.core.ingest import Phases, copy_rows, merge_insert, staging_table


def test_phases_add_up_per_name():
    phases = Phases()
    with phases("write"):
        pass
    with phases("write"):
        pass
    with phases("read"):
        pass
    assert set(phases.as_dict()) == {"write", "read"}
    assert all(v >= 0 for v in phases.as_dict().values())


def _place_rows(area, names):
    """Place rows in the order of their concrete columns (defaults where the test gives nothing)."""
    from django.utils import timezone

    now = timezone.now()
    given = {"area_id": area.pk, "area_path": area.path, "kind": "gate", "created_at": now, "updated_at": now}
    fields = [f for f in Place._meta.concrete_fields if not f.primary_key]
    cols = [f.column for f in fields]

    def row(name):
        out = []
        for f in fields:
            if f.attname == "name":
                out.append(name)
            elif f.attname in given:
                out.append(given[f.attname])
            else:
                out.append(f.get_default() if f.has_default() else (None if f.null else ""))
        return tuple(out)

    return cols, (row(n) for n in names)


@pytest.mark.django_db
def test_copy_rows_streams_a_generator_into_the_table(tree):
    cols, rows = _place_rows(tree.a.community, ["门0", "门1", "门2"])
    assert copy_rows(Place._meta.db_table, cols, rows) == 3
    names = Place.objects.filter(area=tree.a.community, name__startswith="门").values_list("name", flat=True)
    assert sorted(names) == ["门0", "门1", "门2"]


@pytest.mark.django_db
def test_staging_then_one_merge_inserts_the_staged_rows(tree):
    cols, rows = _place_rows(tree.a.community, ["北门", "南门"])
    with transaction.atomic():
        staging_table("ingest_test", Place._meta.db_table, cols)
        assert copy_rows("ingest_test", cols, rows) == 2
        assert not Place.objects.filter(name__in=["北门", "南门"]).exists()  # staged only
        assert merge_insert(Place._meta.db_table, "ingest_test", cols) == 2
    assert set(Place.objects.filter(area=tree.a.community).values_list("name", flat=True)) >= {"北门", "南门"}


@pytest.mark.parametrize(
    "text",
    [
        "张三",
        "&lt;b&gt; &amp; &#60;&#38;",
        "&#128;&#0;&#xFFFE;&#55296;",
        "&#x4E2D;&#25991; ok",
        "😀&#128512;",
    ],
)
def test_numeric_references_decode_like_html_unescape(text):
    xml = f"<t>{text}</t>".encode()
    out = ci._numeric_refs(xml).decode()
    # Whatever the one pass leaves, the per-cell unescape finishes: the same text as before.
    assert html.unescape(out) == html.unescape(f"<t>{text}</t>")
    assert "&#25991;" not in out and "&#60;" in ci._numeric_refs(b"&#60;").decode()
