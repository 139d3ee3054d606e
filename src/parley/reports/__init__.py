"""The public side of Parley: the verification bundle, the report, charts, family proofs.

Writing a bundle needs a database (``parley.services.publication.publish``); reading and verifying
one needs nothing but the bundle's files (:func:`verify_bundle`, :func:`verify_proof`).
"""

from parley.reports.verify import VerifyFailure, VerifyResult, verify_bundle, verify_proof

__all__ = ["VerifyFailure", "VerifyResult", "verify_bundle", "verify_proof"]
