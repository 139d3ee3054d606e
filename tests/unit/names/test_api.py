"""The package's public surface: exactly what other layers may import, documented."""

from __future__ import annotations

import parley.names

PUBLIC = {
    "transliterate", "script_of", "language_hint", "fold_homoglyphs", "given_name_key",
    "given_name_keys", "patronymic_key", "surname_key", "surname_phonetic_key",
    "split_full_name", "parse_date", "ParsedDate", "DateError", "repair_mixed_script",
}


def test_exports_exactly_the_public_api() -> None:
    assert set(parley.names.__all__) == PUBLIC
    for name in PUBLIC:
        obj = getattr(parley.names, name)
        assert (obj.__doc__ or "").strip(), name


def test_names_imports_nothing_else_of_parley() -> None:
    import ast
    from pathlib import Path

    package = Path(parley.names.__file__).parent
    for path in package.glob("*.py"):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith("parley.") or node.module.startswith(
                    "parley.names"
                ), (path.name, node.module)
