"""Hotline API routes on the one router (the leak test walks router.registry)."""
