from . import reports  # noqa: F401  wp2: zero reports, alerts, inspections, ledger
