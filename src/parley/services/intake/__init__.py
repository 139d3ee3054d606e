"""Intake: lists arrive (import, quarantine and its fixes, the lists themselves, export)."""
