"""The workplaces viewsets on the one router (filled with the registry API)."""

from . import reports  # noqa: E402,F401  wp2: zero reports, alerts, inspections, ledger
