#!/usr/bin/env python3
"""Rewrite citations of the old working notes into citations of docs/clinical/reference.md.

The notes (the long form and the short rule index, both kept outside the repository) had the
same section numbers as the reference, so a citation keeps its number and gains a section sign:
"<long form> 2.6" -> "clinical reference §2.6", "<long form> section 0 and 1.3" -> "clinical
reference §0 and §1.3", "<long form> §1.2.6" (item 6 of the list in 1.2) -> "clinical reference
§1.2 step 6". The short index numbered its sections differently; RULES_INDEX maps them.

Run from the repository root: ``python3 scripts/cite-clinical-reference.py``. It rewrites
tracked text files under src/, tests/, docs/, bench/ and README.md in place, prints what it
changed, and exits 1 when a mention without a section number (or a line it cannot fit in
100 characters) is left for a person to fix. A Python line the longer citation pushes past
100 characters is wrapped when it is a comment, a docstring or a plain string literal inside
brackets (split into two adjacent literals, so the value is unchanged). Running it again
changes nothing.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import tokenize
from collections.abc import Callable
from pathlib import Path

ROOTS = ("src", "tests", "docs", "bench", "README.md")
SUFFIXES = {".py", ".md", ".yaml", ".yml", ".toml", ".txt", ".html", ".j2", ".cfg", ".ini"}
RULES_INDEX = {"1": "1.1", "2": "2", "3": "3", "4": "4", "5": "5", "6": "6", "7": "7.2"}
RULES_INDEX |= {"8": "8", "9": "9"}
"""Short-index section -> reference section (its 7 is the reference's 7.2 exercise dosing)."""

NUMBER = r"\d+(?:\.\d+)*(?:\s*[-–]\s*\d+(?:\.\d+)*)?(?!\.?\d)"
UNIT = r"(?!\s*(?:%|km|kg|min|bpm|mm|cm|m\b|s\b|h\b|weeks?\b|days?\b))"
CITATION = re.compile(
    r"clinical(?P<rules>-rules)?\.md"
    rf"(?:(?P<gap>\s+(?:#\s*)?)(?:section\s+)?§?\s?(?P<first>{NUMBER}){UNIT}"
    rf"(?P<rest>(?:\s*(?:,|/|&|\band\b)\s*§?(?:{NUMBER}){UNIT})*))?"
)
MORE = re.compile(rf"(\s*(?:,|/|&|\band\b)\s*)§?({NUMBER})")


def _section(number: str, *, rules: bool) -> str:
    """'§N.N' for one number or range; a third level is a step of that section's list."""
    parts = re.split(r"\s*([-–])\s*", number)  # [start] or [start, dash, end]
    ends = [RULES_INDEX.get(p, p) if rules else p for p in parts[::2]]
    if len(ends) == 1 and ends[0].count(".") == 2:
        major, minor, step = ends[0].split(".")
        return f"§{major}.{minor} step {step}"
    return "§" + (f"{ends[0]}{parts[1]}{ends[1]}" if len(ends) == 2 else ends[0])


def rewrite(text: str) -> tuple[str, list[str]]:
    """The text with every citation rewritten, and the mentions left without a section."""
    left: list[str] = []

    def one(match: re.Match[str]) -> str:
        rules = match["rules"] is not None
        if match["first"] is None:
            left.append(match.group(0))
            return match.group(0)
        out = "clinical reference" + match["gap"] + _section(match["first"], rules=rules)
        for join, number in MORE.findall(match["rest"] or ""):
            out += join + _section(number, rules=rules)
        return out

    return CITATION.sub(one, text), left


WIDTH = 100
LIST_ITEM = re.compile(r"^(?:[-*|>]|\d+[.)]|\.\.\.|>>>)\s")


def _line_kinds(source: str) -> dict[int, tuple[str, int, str]]:
    """0-based line -> (comment | doc | str, column, quote+prefix) for lines we may wrap."""
    kinds: dict[int, tuple[str, int, str]] = {}
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    depth, before = 0, tokenize.NEWLINE
    skip = {tokenize.NL, tokenize.COMMENT}
    for n, tok in enumerate(tokens):
        if tok.type == tokenize.OP and tok.string in "([{":
            depth += 1
        elif tok.type == tokenize.OP and tok.string in ")]}":
            depth -= 1
        elif tok.type == tokenize.COMMENT:
            kinds[tok.start[0] - 1] = ("comment", tok.start[1], "")
        elif tok.type == tokenize.STRING:
            prefix = tok.string[: len(tok.string) - len(tok.string.lstrip("rRbBuUfF"))]
            body = tok.string[len(prefix) :]
            after = next((t for t in tokens[n + 1 :] if t.type not in skip), None)
            alone = before in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT)
            if body[:3] in ('"""', "'''") and alone and after and after.type == tokenize.NEWLINE:
                for line in range(tok.start[0] - 1, tok.end[0]):
                    kinds[line] = ("doc", tok.start[1], body[:3])
            elif depth and tok.start[0] == tok.end[0] and not set(prefix) & set("fFbB"):
                kinds[tok.start[0] - 1] = ("str", tok.start[1], prefix + body[0])
        if tok.type not in skip:
            before = tok.type
    return kinds


def _push_down(lines: list[str], i: int, prefix: str, joins: Callable[[int], bool]) -> bool:
    """Move the words past WIDTH onto the next line (joined when it continues the text)."""
    while len(lines[i]) > WIDTH:
        cut = lines[i].rfind(" ", len(prefix) + 1, WIDTH + 1)
        if cut < 0:
            return False
        carry = lines[i][cut + 1 :]
        lines[i] = lines[i][:cut].rstrip()
        if i + 1 < len(lines) and joins(i + 1):
            lines[i + 1] = prefix + carry + " " + lines[i + 1][len(prefix) :]
        else:
            lines.insert(i + 1, prefix + carry)
        i += 1
    return True


def wrap(old: str, new: str) -> tuple[str, list[int]]:
    """``new`` with the lines the rewrite made too long wrapped; 1-based lines it could not."""
    kinds = _line_kinds(new)
    lines = new.split("\n")
    olds = old.split("\n")
    failed = []
    for i in reversed(range(len(lines))):
        if len(lines[i]) <= WIDTH or lines[i] == olds[i]:
            continue
        kind, col, quote = kinds.get(i, ("", 0, ""))
        text = lines[i]
        if kind == "comment" and text.strip().startswith("#"):
            pre = " " * col + "# "

            def comment(j: int, pre: str = pre) -> bool:
                rest = lines[j][len(pre) :]
                return lines[j].startswith(pre) and bool(rest) and not LIST_ITEM.match(rest)

            ok = _push_down(lines, i, pre, comment)
        elif kind == "comment":
            indent = " " * (len(text) - len(text.lstrip()))
            head, _, tail = text.partition("# ")
            lines[i] = head.rstrip()
            lines.insert(i + 1, indent + "# " + tail)
            ok = _push_down(lines, i + 1, indent + "# ", lambda j: False)
        elif kind == "doc":
            pre = " " * col
            closes = text.rstrip().endswith(quote) and text.strip() != quote

            def doc(j: int, pre: str = pre, closes: bool = closes, quote: str = quote) -> bool:
                rest = lines[j][len(pre) :]
                return (
                    not closes
                    and lines[j].startswith(pre)
                    and bool(rest.strip())
                    and not rest.startswith(" ")
                    and not rest.startswith(quote)
                    and not LIST_ITEM.match(rest)
                )

            ok = _push_down(lines, i, pre, doc)
        elif kind == "str":
            start = col + len(quote)
            cut = text.rfind(" ", start, WIDTH - 1)
            ok = cut > start
            if ok:
                lines[i : i + 1] = [
                    text[: cut + 1] + quote[-1],
                    " " * col + quote + text[cut + 1 :],
                ]
        else:
            ok = False
        if not ok:
            failed.append(i + 1)
    return "\n".join(lines), sorted(failed)


def _files() -> list[Path]:
    listed = subprocess.run(  # noqa: S603
        ["git", "ls-files", "--", *ROOTS],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return [Path(p) for p in listed if Path(p).suffix in SUFFIXES and Path(p).is_file()]


def _format(paths: list[Path]) -> None:
    """``ruff format`` the rewritten Python files (it re-indents split string literals)."""
    ruff = Path(".venv/bin/ruff")
    command = str(ruff) if ruff.is_file() else shutil.which("ruff")
    if not paths:
        return
    if command is None:
        print("ruff not found: run `make fmt` to re-indent the rewritten files")
        return
    subprocess.run([command, "format", "--quiet", *map(str, paths)], check=True)  # noqa: S603


def main() -> int:
    """Rewrite in place; report changed files and mentions left for a person."""
    problems = 0
    changed: list[Path] = []
    for path in _files():
        text = path.read_text(encoding="utf-8")
        new, left = rewrite(text)
        if path.suffix == ".py" and new != text:
            new, failed = wrap(text, new)
            for line in failed:
                problems += 1
                print(f"{path}:{line}: longer than {WIDTH} characters: wrap it by hand")
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed += [path] if path.suffix == ".py" else []
            print(f"rewrote {path}")
        for mention in left:
            problems += 1
            print(f"{path}: no section number after {mention!r}: cite one by hand")
    _format(changed)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
