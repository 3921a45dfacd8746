"""Salespath: a sales pipeline for large B2B project sales."""

__version__ = "0.1.0"
