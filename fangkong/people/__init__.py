"""Residents registry (摸排登记): people, households, status history, vulnerable ledger."""
