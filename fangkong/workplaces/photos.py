"""Inspection photos: the gates app's rules (content-checked, re-encoded JPEG, size-limited)."""

from fangkong.gates.photos import photo_caption, photo_clean

__all__ = ["photo_caption", "photo_clean"]
