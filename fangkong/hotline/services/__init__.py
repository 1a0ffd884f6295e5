"""Hotline writes (keyword-only, one transaction each, audited). Every name is re-exported here."""
