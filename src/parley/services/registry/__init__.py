"""The registry of persons: identity resolution and review, families' inquiries, what is
known about each person and their status."""
