"""The workforce viewsets on the one router."""
