"""The workplaces viewsets on the one router (filled with the registry API)."""
