"""Write docs/readme/errors.md from the error-code catalogue (src/backstride/error_codes.py).

Run: .venv/bin/python scripts/errors_md.py  (tests/test_error_codes.py checks it is current)
"""

from __future__ import annotations

from pathlib import Path

from backstride.error_codes import render_markdown

TARGET = Path(__file__).resolve().parents[1] / "docs" / "readme" / "errors.md"


def main() -> None:
    TARGET.write_text(render_markdown(), encoding="utf-8")
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
