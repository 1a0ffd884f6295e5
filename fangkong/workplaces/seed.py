"""Demo data of workplaces (wp2: daily reports, inspections and the ledger in seed_reports)."""

from .seed_reports import seed_activity  # noqa: F401
