"""Publication: the public bundle and report, checkpoints, families' proofs, and erasure."""
