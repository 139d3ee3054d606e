"""Parley: prisoner-of-war exchanges through a neutral intermediary, traced person by person."""

__version__ = "0.1.0"
