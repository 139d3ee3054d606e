"""The exchange: agreements, verification, stages, handover, remains, statements, and the
casework registers the intermediary reads."""
