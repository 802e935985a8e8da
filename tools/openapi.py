"""Write the API's OpenAPI document to a file, for the OpenAPI lint in ``make check``.

    .venv/bin/python tools/openapi.py build/openapi.json

The app is built as the tests build it (``create_app`` on explicit settings, in a
throwaway data directory); no database is opened, since the schema comes from the
route handlers alone. The file is what ``/schema/openapi.json`` serves.
"""

from __future__ import annotations

import json
import logging
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from backend.app import create_app
from backend.settings import Settings


def main(argv: list[str]) -> None:
    if len(argv) != 2:
        sys.exit(f"usage: {argv[0]} OUTPUT.json")
    out = Path(argv[1])
    # The schema needs no PWA build; the app's warning that there is none is noise here.
    logging.getLogger("bianmin").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory(prefix="bianmin-openapi-") as tmp:
        settings = Settings(
            data_dir=Path(tmp) / "data",
            secret_key="openapi-lint-only-never-serves-a-request-0123456789",
            pwa_dir=Path(tmp) / "no-pwa",
        )
        schema = create_app(settings).openapi_schema.to_schema()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(schema, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv)
