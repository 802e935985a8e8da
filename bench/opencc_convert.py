"""How fast is script conversion? 10,000 user-typed strings through ``to_script``
and ``search_form`` (the helpers every response and every search use).

Run: .venv/bin/python bench/opencc_convert.py
Reports the median of 5 rounds, per call and per round, for each direction.
"""

from __future__ import annotations

import json
import random
import statistics
import time
from pathlib import Path

from backend.lib.i18n import search_form, to_script

ROUNDS = 5
N = 10_000


def corpus() -> list[str]:
    """Realistic strings: catalog descriptions and materials, cut to case-description lengths."""
    seed = json.loads((Path(__file__).parent.parent / "backend/catalog/seed/services.json").read_text("utf-8"))
    pieces = [e["description"] for e in seed] + [m for e in seed for m in e["materials"]]
    rng = random.Random(7)
    out = []
    for _ in range(N):
        text = rng.choice(pieces)
        start = rng.randrange(0, max(1, len(text) - 10))
        out.append(text[start : start + rng.randint(10, 120)])
    return out


def timed(fn, texts: list[str]) -> float:
    start = time.perf_counter()
    for text in texts:
        fn(text)
    return time.perf_counter() - start


def main() -> None:
    texts = corpus()
    hant = [to_script(t, "zh-Hant") for t in texts]
    chars = sum(map(len, texts))
    cases = {
        "s2tw (to Traditional)": (lambda t: to_script(t, "zh-Hant"), texts),
        "tw2s (to Simplified)": (lambda t: to_script(t, "zh-Hans"), hant),
        "search_form": (search_form, hant),
    }
    print(f"{N} strings, {chars} characters, median of {ROUNDS} rounds")
    for name, (fn, data) in cases.items():
        timed(fn, data[:200])  # warm the converter cache
        rounds = [timed(fn, data) for _ in range(ROUNDS)]
        median = statistics.median(rounds)
        print(f"{name:24s} {median * 1000:8.1f} ms/round  {median / N * 1e6:6.1f} µs/string")


if __name__ == "__main__":
    main()
