"""API of zero reports, missing alerts, inspections and ledger items."""
