"""Catalogue fragments, one per part of the platform, so each part owns its sentences."""
