"""数安 (shuan): government data security management platform."""

__version__ = "0.1.0"
