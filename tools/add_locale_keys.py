"""Add keys to both locale files at once (a development tool, not used at run time).

    .venv/bin/python tools/add_locale_keys.py keys.json

``keys.json`` maps dotted keys to Simplified text, or to ``[simplified, traditional]``
when the OpenCC s2tw conversion is not what a Traditional reader should see.
Both files are rewritten in one quick step each, keeping their shared key order.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import opencc

LOCALES = Path(__file__).resolve().parent.parent / "locales"


def put(tree: dict, dotted: str, value: str) -> None:
    *parents, last = dotted.split(".")
    for part in parents:
        tree = tree.setdefault(part, {})
    tree[last] = value


def main(path: str) -> None:
    additions = json.loads(Path(path).read_text(encoding="utf-8"))
    convert = opencc.OpenCC("s2tw").convert
    for locale in ("zh-Hans", "zh-Hant"):
        target = LOCALES / f"{locale}.json"
        data = json.loads(target.read_text(encoding="utf-8"))
        for key, value in additions.items():
            hans, hant = value if isinstance(value, list) else (value, convert(value))
            put(data, key, hans if locale == "zh-Hans" else hant)
        target.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1])
