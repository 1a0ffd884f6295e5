"""Demo data of the hotline's open interface and analysis, through the services: an Open311 integration
of the first demo street with requests filed through it (a recurring complaint of the first demo
community among them), then the 未诉先办 grouping over the demo month. Runs last (`seed_final`), after the
month of orders, whose every change already went into the rates' rollup through the transition hooks."""

from __future__ import annotations

from django.http import QueryDict

from fangkong.areas.models import Level
from fangkong.gates.seed import demo_communities

from . import services

RECURRING = [
    "楼下垃圾堆放多日无人清运，气味很大",
    "小区垃圾桶满了一直没有清运",
    "垃圾清运不及时，苍蝇很多",
]


def seed_final(ctx) -> None:
    communities = demo_communities(ctx)
    if not communities:
        return
    community = communities[0]
    street = community.parent
    integration, _key = services.integration_create(
        actor=None, name="市民服务热线平台（Open311）", street_id=street.pk
    )
    buildings = list(community.descendants().filter(level=Level.BUILDING).order_by("path")[:3])
    for i, text in enumerate(RECURRING):
        data = QueryDict(mutable=True)
        data.update(
            {
                "service_code": "sanitation",
                "description": text,
                "address_string": buildings[i % len(buildings)].name if buildings else community.name,
                "first_name": "市民",
            }
        )
        services.open311_request_create(integration=integration, data=data, client_key=f"demo-{i + 1}")
    out = services.proactive_scan()
    ctx.out.write(
        f"    Open311 integration of {street.name}, {len(RECURRING)} requests; {out['opened']} proactive tasks"
    )
