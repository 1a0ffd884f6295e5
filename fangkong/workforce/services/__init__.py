"""Writes of the workforce. Each function is one transaction and writes its change-log record.

A package by topic (one module each); this module re-exports every name so callers keep
`services.x(...)`."""

from .workers import community_of, worker_for_user

__all__ = ["community_of", "worker_for_user"]
