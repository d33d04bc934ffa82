"""Safe XML parsing for GPX/TCX: no DTDs, no entities, no network, tolerant leading junk.

libxml2 (through lxml) is asked never to resolve entities, load DTDs or touch the network;
any ``<!DOCTYPE`` or ``<!ENTITY`` is refused outright (``ingest.unsafe_xml``) because no
GPX or TCX writer needs one and they are how "billion laughs" and XXE attacks travel.
A UTF-8 BOM and whitespace before the XML declaration (seen in Strava TCX files) are skipped.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from backstride.ingest.errors import CORRUPT_FILE, EMPTY_ACTIVITY, UNSAFE_XML, ingest_error

_BOMS = (b"\xef\xbb\xbf",)
_UNSAFE_MARKERS = (b"<!DOCTYPE", b"<!ENTITY", b"<!doctype", b"<!entity")


def _parser() -> Any:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=True,
        remove_comments=True,
        remove_pis=True,
    )


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


def local_name(tag: str) -> str:
    """``{ns}name`` -> ``name``."""
    return tag.rsplit("}", 1)[-1]


def namespace(tag: str) -> str | None:
    """``{ns}name`` -> ``ns`` (None without a namespace)."""
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else None


__all__ = ["local_name", "namespace", "parse_xml", "prolog_check", "strip_prolog_junk"]
