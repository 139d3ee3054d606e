"""Checkpoints of the whole event chain: signed RFC 9162 tree heads over event hashes.

A checkpoint says "the first ``tree_size`` events of the chain have Merkle root ``root``
and end with the event hash ``head``", signed at ``at`` by an actor of the intermediary.
Leaves are the 32 bytes of each event hash, hashed as RFC 9162 leaves. Successive
checkpoints are linked by consistency proofs, so whoever kept an old checkpoint can check
that a newer one extends it without rewriting anything.

Pure: used by the checkpoint service (signing), the bundle writer and the verifier.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from parley.ledger.canonical import canonical_json
from parley.ledger.merkle import leaf_hash, node_hash
from parley.ledger.signing import sign, verify_signature

CHECKPOINT_CONTEXT = b"parley-checkpoint-v1:"


@dataclass(frozen=True)
class Checkpoint:
    """One signed tree head of the event chain."""

    tree_size: int
    root: str
    head: str
    at: str
    signer: str
    signature: str

    def body(self) -> dict[str, Any]:
        return {"tree_size": self.tree_size, "root": self.root, "head": self.head,
                "at": self.at}

    def to_json(self) -> dict[str, Any]:
        return {**self.body(), "signer": self.signer, "signature": self.signature}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Checkpoint:
        return cls(tree_size=data["tree_size"], root=data["root"], head=data["head"],
                   at=data["at"], signer=data["signer"], signature=data["signature"])


def checkpoint_message(body: dict[str, Any]) -> bytes:
    """The bytes an intermediary signs for a checkpoint."""
    return CHECKPOINT_CONTEXT + canonical_json(body)


def sign_checkpoint(*, tree_size: int, root: str, head: str, at: str, signer: str,
                    key: Ed25519PrivateKey) -> Checkpoint:
    body = {"tree_size": tree_size, "root": root, "head": head, "at": at}
    return Checkpoint(tree_size=tree_size, root=root, head=head, at=at, signer=signer,
                      signature=sign(key, checkpoint_message(body)))


def checkpoint_signature_holds(cp: Checkpoint, public_key: str) -> bool:
    return verify_signature(public_key, checkpoint_message(cp.body()), cp.signature)


class TreeAccumulator:
    """RFC 9162 roots of a growing list of leaves, in O(log n) memory.

    Keeps the perfect subtrees of the leaves seen so far (one per set bit of the size);
    the root of the whole is those subtrees folded from the right, exactly the RFC's
    split at the largest power of two.
    """

    def __init__(self) -> None:
        self.size = 0
        self._stack: list[tuple[int, bytes]] = []  # (height, hash), largest first

    def add_leaf_hash(self, hashed: bytes) -> None:
        height, node = 0, hashed
        while self._stack and self._stack[-1][0] == height:
            _, left = self._stack.pop()
            node = node_hash(left, node)
            height += 1
        self._stack.append((height, node))
        self.size += 1

    def add_event_hash(self, event_hash: str) -> None:
        self.add_leaf_hash(leaf_hash(bytes.fromhex(event_hash)))

    def root(self) -> bytes:
        if not self._stack:
            from parley.ledger.merkle import EMPTY_ROOT

            return EMPTY_ROOT
        node = self._stack[-1][1]
        for _, left in reversed(self._stack[:-1]):
            node = node_hash(left, node)
        return node


def event_leaf_hashes(event_hashes: Iterable[str]) -> list[bytes]:
    return [leaf_hash(bytes.fromhex(h)) for h in event_hashes]


def roots_at(event_hashes: Sequence[str], sizes: Iterable[int]) -> dict[int, str]:
    """The chain's Merkle root at each of ``sizes`` (hex), in one pass over the hashes."""
    wanted = sorted(set(sizes))
    out: dict[int, str] = {}
    acc = TreeAccumulator()
    i = 0
    for size in wanted:
        while acc.size < size:
            acc.add_event_hash(event_hashes[i])
            i += 1
        out[size] = acc.root().hex()
    return out
