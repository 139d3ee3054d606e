"""Signed writes as the API receives them: a party's node signs, the hub checks.

The protocol (docs/protocol.md): a party's write is sent like any other request. If it
needs a statement of an actor whose key is not on the hub, the hub answers 428 with the
statements to sign (each with its payload) and a nonce; the node checks them, signs them
with the actor's key and sends the same request again with the ``Parley-Signatures``
header: base64url of the canonical JSON ``{"nonce", "signed": [{"statement",
"signature"}]}``. The hub runs the write again and records each statement as signed,
after checking its key and signature (:meth:`parley.store.uow.UnitOfWork.append_signed`).
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
from typing import Any

from parley.errors import SignatureRefused
from parley.ledger.canonical import canonical_json
from parley.ledger.chain import Statement
from parley.store.statements import (
    PrepareDone,
    Signatures,
    SignedStatement,
    Wanted,
    current,
    signed_write,
)

HEADER = "Parley-Signatures"

__all__ = [
    "HEADER",
    "PrepareDone",
    "Signatures",
    "SignedStatement",
    "Wanted",
    "current",
    "decode_header",
    "encode_header",
    "prepared_json",
    "signatures_for",
    "signed_write",
]


def encode_header(nonce: str, signed: list[SignedStatement]) -> str:
    body = {"nonce": nonce, "signed": [{"statement": s.statement.to_json(),
                                        "signature": s.signature} for s in signed]}
    return base64.urlsafe_b64encode(canonical_json(body)).decode("ascii").rstrip("=")


def decode_header(value: str) -> Signatures:
    """The signatures a request brings (raises SignatureRefused naming what is wrong)."""
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        data = json.loads(raw.decode("utf-8"))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise SignatureRefused(f"the {HEADER} header is not base64url JSON",
                               reason="bad_statement") from None
    if not isinstance(data, dict) or not isinstance(data.get("nonce"), str) \
            or not isinstance(data.get("signed"), list) or not data["signed"]:
        raise SignatureRefused(f"the {HEADER} header needs \"nonce\" and a non-empty "
                               "\"signed\" list", reason="bad_statement")
    signed = []
    for i, item in enumerate(data["signed"]):
        try:
            if not isinstance(item, dict) or not isinstance(item.get("signature"), str):
                raise ValueError("each signed entry is {\"statement\", \"signature\"}")
            signed.append(SignedStatement(Statement.from_json(item.get("statement")),
                                          item["signature"]))
        except ValueError as exc:
            raise SignatureRefused(f"{HEADER} signed[{i}]: {exc}",
                                   reason="bad_statement") from None
    return Signatures(signed=signed, nonce=data["nonce"])


def signatures_for(header: str | None) -> Signatures:
    """The request's signatures, or a prepare run with a fresh nonce when it has none."""
    if header:
        return decode_header(header)
    return Signatures(preparing=True, nonce=secrets.token_hex(16))


def prepared_json(nonce: str, wanted: list[Wanted]) -> dict[str, Any]:
    """The 428 answer's ``sign`` member: what the node must sign."""
    return {"nonce": nonce, "header": HEADER,
            "statements": [{"statement": w.statement.to_json(), "payload": w.payload}
                           for w in wanted]}
