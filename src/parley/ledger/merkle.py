"""Merkle trees as in RFC 9162 (Certificate Transparency v2), section 2.1.

Leaves are hashed as ``SHA-256(0x00 ‖ data)`` and interior nodes as
``SHA-256(0x01 ‖ left ‖ right)``; the tree over ``n`` leaves splits at the largest power
of two below ``n``. Stage heads use these trees over person commitments, checkpoints
use them over event hashes, and family proofs are inclusion proofs in them.

The two verification functions follow the RFC's algorithms (§2.1.3.2 and §2.1.4.2) and
are checked against the transparency-dev test vectors in ``tests/vectors/merkle``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

__all__ = [
    "EMPTY_ROOT",
    "consistency_proof",
    "inclusion_proof",
    "leaf_hash",
    "node_hash",
    "root_from_leaf_hashes",
    "tree_root",
    "verify_consistency",
    "verify_inclusion",
]

DIGEST_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two strictly smaller than ``n`` (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def root_from_leaf_hashes(hashes: Sequence[bytes]) -> bytes:
    """MTH over already-hashed leaves, computed bottom-up without recursion."""
    if not hashes:
        return EMPTY_ROOT
    # Folding level by level and carrying an odd last node upwards gives the same tree
    # as the RFC's recursive split at the largest power of two.
    level = list(hashes)
    while len(level) > 1:
        nxt = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0]


def tree_root(leaves: Sequence[bytes]) -> bytes:
    """MTH(D[n]) over raw leaf data."""
    return root_from_leaf_hashes([leaf_hash(d) for d in leaves])


def inclusion_proof(index: int, hashes: Sequence[bytes]) -> list[bytes]:
    """PATH(index, D[n]) over already-hashed leaves."""
    n = len(hashes)
    if not 0 <= index < n:
        raise ValueError(f"leaf index {index} outside a tree of size {n}")
    return _path(index, list(hashes))


def _path(m: int, hashes: list[bytes]) -> list[bytes]:
    n = len(hashes)
    if n == 1:
        return []
    k = _split(n)
    if m < k:
        return [*_path(m, hashes[:k]), root_from_leaf_hashes(hashes[k:])]
    return [*_path(m - k, hashes[k:]), root_from_leaf_hashes(hashes[:k])]


def consistency_proof(size1: int, hashes: Sequence[bytes]) -> list[bytes]:
    """PROOF(size1, D[n]) over already-hashed leaves (RFC 9162 §2.1.4.1)."""
    n = len(hashes)
    if not 0 < size1 <= n:
        raise ValueError(f"no consistency proof from size {size1} to size {n}")
    if size1 == n:
        return []
    return _subproof(size1, list(hashes), True)


def _subproof(m: int, hashes: list[bytes], complete: bool) -> list[bytes]:
    n = len(hashes)
    if m == n:
        return [] if complete else [root_from_leaf_hashes(hashes)]
    k = _split(n)
    if m <= k:
        return [*_subproof(m, hashes[:k], complete), root_from_leaf_hashes(hashes[k:])]
    return [*_subproof(m - k, hashes[k:], False), root_from_leaf_hashes(hashes[:k])]


def _all_digests(*values: bytes) -> bool:
    return all(len(v) == DIGEST_SIZE for v in values)


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, proof: list[bytes], root: bytes
) -> bool:
    """True when ``proof`` shows the leaf at ``index`` is in the tree of ``size`` with ``root``."""
    if index < 0 or index >= size or not _all_digests(leaf_hash, root, *proof):
        return False
    fn, sn = index, size - 1
    r = leaf_hash
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(
    size1: int, size2: int, root1: bytes, root2: bytes, proof: list[bytes]
) -> bool:
    """True when ``proof`` shows the tree (size1, root1) is a prefix of (size2, root2)."""
    if size1 <= 0 or size2 < size1:
        # A consistency proof from the empty tree proves nothing; refuse it.
        return False
    if size1 == size2:
        return not proof and root1 == root2
    if not proof or not _all_digests(root1, root2, *proof):
        return False
    path = list(proof)
    if size1 & (size1 - 1) == 0:
        path.insert(0, root1)
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == root1 and sr == root2 and sn == 0
