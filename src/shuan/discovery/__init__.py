"""Sensitive-data discovery: recognizers, validators and the vectorized detection engine."""
