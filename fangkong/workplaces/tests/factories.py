"""Leak-test factories of workplaces (wp2 keeps its own in factories_reports)."""

from .factories_reports import *  # noqa: F401,F403
