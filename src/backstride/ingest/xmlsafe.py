"""Safe XML parsing for GPX/TCX: no DTDs, no entities, no network, tolerant leading junk.

libxml2 (through lxml) is asked never to resolve entities, load DTDs or touch the network;
any ``<!DOCTYPE`` or ``<!ENTITY`` is refused outright (``ingest.unsafe_xml``) because no
GPX or TCX writer needs one and they are how "billion laughs" and XXE attacks travel.
A UTF-8 BOM and whitespace before the XML declaration (seen in Strava TCX files) are skipped.
UTF-16/UTF-32 documents (Windows tools save GPX that way; XML 1.0 section 4.3.3 requires every
parser to read UTF-16) are turned into UTF-8 first (``utf8_xml``), so that sniffing, the
DOCTYPE check, the GPX fast path and the byte-level extension checks all see the same bytes.
"""

from __future__ import annotations

import codecs
import re
from typing import Any

from lxml import etree

from backstride.ingest.errors import (
    CORRUPT_FILE,
    EMPTY_ACTIVITY,
    UNSAFE_XML,
    IngestError,
    ingest_error,
)

_BOMS = (b"\xef\xbb\xbf",)
# (leading bytes, codec): BOMs first, then "<" or "<?" without a BOM (XML 1.0 appendix F)
_WIDE: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00", "utf-16-le"),
    (b"\x00<", "utf-16-be"),
)
_DECLARED = re.compile(rb"""^(\s*<\?xml[^>]*?encoding\s*=\s*)(["'])[^"']*\2""")
_UNSAFE_MARKERS = (b"<!DOCTYPE", b"<!ENTITY", b"<!doctype", b"<!entity")


def _parser(*, recover: bool = False) -> Any:
    return etree.XMLParser(
        recover=recover,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=True,
        remove_comments=True,
        remove_pis=True,
    )


def wide_codec(data: bytes) -> str | None:
    """The codec of a UTF-16/UTF-32 document (by BOM or by its first ``<``), else None."""
    for lead, codec in _WIDE:
        if data.startswith(lead):
            return codec
    return None


def utf8_xml(data: bytes, *, name: str | None = None) -> bytes:
    """A UTF-16/UTF-32 XML document re-encoded as UTF-8 (its declaration saying so).

    Other documents are returned unchanged (UTF-8, or an ASCII-compatible encoding that the
    declaration names and libxml2 reads). Undecodable wide text is ``ingest.corrupt_file``.
    """
    codec = wide_codec(data)
    if codec is None:
        return data
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise ingest_error(CORRUPT_FILE, f"broken {codec} text ({exc.reason})", name=name) from None
    out = text.lstrip("\ufeff").encode("utf-8")
    return _DECLARED.sub(rb"\1\2UTF-8\2", out, count=1)


def strip_prolog_junk(data: bytes) -> bytes:
    """Drop a UTF-8 BOM and whitespace before the first ``<``."""
    start = 0
    for bom in _BOMS:
        if data.startswith(bom):
            start = len(bom)
    n = len(data)
    while start < n and data[start] in b" \t\r\n\x0b\x0c":
        start += 1
    # a BOM after leading whitespace (rare) is skipped too
    if data.startswith(b"\xef\xbb\xbf", start):
        start += 3
    return data[start:] if start else data


def _prolog(data: bytes) -> bytes:
    """The bytes before the root element (where a DOCTYPE would have to be)."""
    pos = 0
    while True:
        lt = data.find(b"<", pos)
        if lt < 0 or lt + 1 >= len(data):
            return data[:pos]
        nxt = data[lt + 1 : lt + 2]
        if nxt == b"?":
            end = data.find(b"?>", lt)
        elif nxt == b"!":
            if data.startswith(b"<!--", lt):
                end = data.find(b"-->", lt)
            else:
                return data[: lt + 16]  # a DOCTYPE/ENTITY starts here
        else:
            return data[:lt]
        if end < 0:
            return data
        pos = end + 2


def prolog_check(data: bytes, *, name: str | None = None) -> bytes:
    """The document without leading junk; refuses empty input and DOCTYPE/ENTITY prologs."""
    body = strip_prolog_junk(data)
    if not body:
        raise ingest_error(EMPTY_ACTIVITY, "the file is empty", name=name)
    prolog = _prolog(body)
    if any(marker in prolog for marker in _UNSAFE_MARKERS):
        raise ingest_error(
            UNSAFE_XML, "XML with a DOCTYPE or entity declarations is refused", name=name
        )
    return body


def parse_xml(data: bytes, *, name: str | None = None) -> Any:
    """Parse XML safely and return the root element, or raise a coded ingest error."""
    body = prolog_check(data, name=name)
    try:
        root = etree.fromstring(body, parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise ingest_error(CORRUPT_FILE, f"malformed XML ({exc})", name=name) from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise ingest_error(
            UNSAFE_XML, "XML with a DOCTYPE or entity declarations is refused", name=name
        )
    return root


def parse_xml_salvaging(data: bytes, *, name: str | None = None) -> tuple[Any, str | None]:
    """``parse_xml``, but a document cut off at its end (a truncated download or copy) is read
    up to the cut: the root and a note saying so (None for a whole document).

    Only an error on the document's last line counts as a cut; damage earlier in the file is
    still ``ingest.corrupt_file``. The caller drops the last, possibly incomplete, point.
    """
    try:
        return parse_xml(data, name=name), None
    except IngestError as exc:
        if exc.code != CORRUPT_FILE:
            raise
        body = prolog_check(data, name=name)
        try:
            etree.fromstring(body, parser=_parser())
        except etree.XMLSyntaxError as syntax:
            line = syntax.position[0] if syntax.position else 0
            if line < body.rstrip().count(b"\n") + 1:
                raise exc from None
        root = etree.fromstring(body, parser=_parser(recover=True))
        if root is None:
            raise exc from None
        note = f"the file ends early after {len(body):,} bytes (truncated); complete points kept"
        return root, note


def local_name(tag: str) -> str:
    """``{ns}name`` -> ``name``."""
    return tag.rsplit("}", 1)[-1]


def namespace(tag: str) -> str | None:
    """``{ns}name`` -> ``ns`` (None without a namespace)."""
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else None


__all__ = [
    "local_name",
    "namespace",
    "parse_xml",
    "parse_xml_salvaging",
    "prolog_check",
    "strip_prolog_junk",
    "utf8_xml",
    "wide_codec",
]
