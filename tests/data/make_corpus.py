"""Make ``tests/data/activities``: the small activity corpus a fresh clone tests with.

Three kinds of file (``sources.json`` says which each one is):

- **copied**: real recordings from other projects' public test suites whose licence allows
  redistribution in an MIT project (MIT, BSD-2/3-Clause, Apache-2.0, CC0), copied from the
  shared corpus (``../shared/data/activities``) with their source, commit, licence and sha256.
  Files the shared corpus marks as Garmin FIT SDK examples (FIT Protocol License), files derived
  from them, and GPL/AGPL files are never copied; they stay in the extended suite.
- **derived**: broken or re-packed variants of a copied file (truncated, a flipped CRC, chained,
  gzipped), made here from the local copy; same licence as that file.
- **built**: written here with the project's own test builders where a format feature the tests
  need exists only in a file we may not redistribute (a multisport TCX; a FIT recording of a run
  that is also in the corpus as TCX).

``python -m tests.data.make_corpus`` (from the repository root, with the shared corpus beside
it or ``BACKSTRIDE_SHARED_CORPUS`` set) copies, derives, builds and writes ``sources.json``,
``reference.json`` (the shared peer-library reference values of the files kept) and
``SOURCES.md``. Derived and built files need only the local copies: ``tests/test_corpus.py``
checks that :func:`made_files` reproduces them byte for byte.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import math
import shutil
import struct
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import fastcrc

from tests.corpus import LOCAL_ROOT, extended_root
from tests.ingest.fit import fitbuild as fb

ALLOWED_LICENCES = ("MIT", "BSD-2-Clause", "BSD-3-Clause", "Apache-2.0", "CC0-1.0")
"""Licences that allow redistribution in an MIT project (with their notices kept)."""

OWN = "MIT (backstride)"
"""Licence of files made here from nothing (empty files, the synthetic duathlon)."""

LICENCE_FILES: dict[str, tuple[str, ...]] = {
    "dtcooper/python-fitparse": ("dtcooper__python-fitparse.MIT.txt",),
    "placemark/togeojson": ("placemark__togeojson.BSD-2-Clause.txt",),
    "tkrajina/gpxpy": ("tkrajina__gpxpy.Apache-2.0.txt", "tkrajina__gpxpy.NOTICE.txt"),
    "vkurup/python-tcxparser": ("vkurup__python-tcxparser.BSD-2-Clause.txt",),
    "alenrajsp/tcxreader": ("alenrajsp__tcxreader.MIT.txt",),
    "tormoder/fit": ("tormoder__fit.MIT.txt",),
}
"""Licence (and NOTICE) texts under ``LICENSES/`` for each source repository, taken from the
repository at the snapshot head named in ``sources.json``."""

COPIED: dict[str, str] = {
    # FIT
    "fit/fitparse__garmin-fenix-5-run.fit": "full running dynamics in 5.6 kB; the file the "
    "fuzz tests mutate and the fitdecode comparison reads",
    "fit/fitparse__garmin-fenix-5-walk.fit": "walk with running dynamics; source of the "
    "derived broken FIT files",
    "fit/fitparse__activity-small-fenix2-run.fit": "2,809-record run with heart rate, cadence "
    "and HRM-Run dynamics: the heart-rate load tests",
    "fit/fitparse__developer-types-sample.fit": "developer fields of many types; power only "
    "as a Stryd developer field",
    "fit/fitparse__sample_mulitple_header.fit": "triathlon: five sessions, one activity per leg",
    "fit/fitparse__compressed-speed-distance.fit": "compressed speed/distance and "
    "compressed-timestamp headers (FR70 era)",
    "fit/fitparse__antfs-dump.63.fit": "times counted from power-on: no real date",
    "fit/fitparse__2013-02-06-12-11-14.fit": "FR110 run, heart rate without cadence",
    "fit/fitparse__null_compressed_speed_dist.fit": "Zwift ride: zero heart-rate summaries "
    "mean no strap",
    "fit/fitparse__elemnt-bolt-no-application-id-inside-developer-data-id.fit": "developer "
    "data id without an application id",
    "fit/tormoder__unterminated-strings.fit": "strings without a terminating zero",
    # GPX
    "gpx/togeojson__Friday-Evening-Run.gpx": "Apple Watch run, heart rate and cadence",
    "gpx/togeojson__run.gpx": "Garmin Connect run with heart rate (206 points)",
    "gpx/togeojson__run_gpxtpx.gpx": "Strava run, gpxtpx heart rate",
    "gpx/togeojson__strava.gpx": "Strava export, heart rate, cadence and power",
    "gpx/togeojson__missing_hr.gpx": "heart rate on some points only",
    "gpx/togeojson__apple_watch_route.gpx": "Apple Health route export",
    "gpx/togeojson__multitrackgpx.gpx": "three tracks",
    "gpx/togeojson__empty_trk.gpx": "a track without points",
    "gpx/gpxpy__Mojstrovka.gpx": "mountain hike",
    "gpx/gpxpy__korita-zbevnica.gpx": "four tracks, 871 points",
    "gpx/gpxpy__cerknicko-jezero.gpx": "eight tracks with waypoints",
    "gpx/gpxpy__cerknicko-without-times.gpx": "points without times: a route, not an activity",
    "gpx/gpxpy__track-with-less-sec-time.gpx": "sub-second times",
    "gpx/gpxpy__gpx_with_garmin_extension.gpx": "a waypoint only",
    "gpx/gpxpy__track-with-empty-segment.gpx": "an empty segment; the API upload sample",
    "gpx/gpxpy__unicode_with_bom.gpx": "UTF-8 byte-order mark",
    "gpx/gpxpy__gpx1.0_with_all_fields.gpx": "GPX 1.0 with every field",
    "gpx/gpxpy__route.gpx": "a route only, no track",
    # TCX
    "tcx/tcxparser__test.tcx": "run with heart rate, 3 laps",
    "tcx/tcxparser__no_hr.tcx": "the same run without heart rate: stored once",
    "tcx/togeojson__sample.tcx": "short run",
    "tcx/togeojson__garmin_connect.tcx": "ride with cadence (rpm, not steps)",
    "tcx/togeojson__tcx-courses.tcx": "a course, not an activity",
    "tcx/tcxreader__sup_activity_1.tcx": "stand-up paddling (Sport=Other)",
    # broken, from peer test suites
    "broken/togeojson__bad.gpx": "refused: invalid coordinates",
    "broken/togeojson__bad.tcx": "read: (0, 0) positions become missing GPS",
    "broken/fitparse__strava-android-app-201.10-b1218918.fit": "refused with a coded error",
    # broken, derived in the shared corpus from files copied here
    "broken/derived__empty.fit": "",
    "broken/derived__empty.gpx": "",
    "broken/derived__empty.tcx": "",
    "broken/derived__fit-content-with.gpx": "",
    "broken/derived__fitparse__garmin-fenix-5-run.bitflip.fit": "",
    "broken/derived__togeojson__run.truncated-50pct.gpx": "also the CLI's broken-file example",
    "broken/derived__tcxparser__test.truncated-50pct.tcx": "",
}
"""Copied files (shared-corpus key) and why the tests need each one."""

WALK = "fit/fitparse__garmin-fenix-5-walk.fit"
RUN = "fit/fitparse__garmin-fenix-5-run.fit"
CSD = "fit/fitparse__compressed-speed-distance.fit"
GZ = "fit/derived__fitparse__garmin-fenix-5-run.fit.gz"
TWIN_SOURCE = "tcx/tcxparser__test.tcx"


@dataclass(frozen=True)
class Made:
    """A derived or built file: where it comes from, how, and its bytes."""

    kind: str  # "derived" | "built"
    source: str | None  # the local file it is made from (None: from nothing)
    how: str
    data: bytes


def _fit_parts(data: bytes) -> tuple[bytes, bytes]:
    """(14-byte header, data records) of a single FIT file."""
    size = data[0]
    data_size = struct.unpack_from("<I", data, 4)[0]
    return data[:size], data[size : size + data_size]


def _seal(header: bytes, body: bytes) -> bytes:
    """A header with ``data_size`` and header CRC set for ``body``, the body and a file CRC."""
    head = bytearray(header)
    struct.pack_into("<I", head, 4, len(body))
    if len(head) == 14:
        struct.pack_into("<H", head, 12, fastcrc.crc16.arc(bytes(head[:12])))
    whole = bytes(head) + body
    return whole + struct.pack("<H", fastcrc.crc16.arc(whole))


def _derived(read: Callable[[str], bytes]) -> dict[str, Made]:
    walk, run, csd = read(WALK), read(RUN), read(CSD)
    walk_header, walk_body = _fit_parts(walk)
    crc_flipped = walk[:-1] + bytes([walk[-1] ^ 0xFF])
    # cut inside a record message, then reseal so the CRCs are right and the data just stops
    cut = walk_body[: len(walk_body) - 7]
    gz = gzip.compress(run, compresslevel=9, mtime=0)
    corrupt_second = bytearray(walk[:14])
    corrupt_second[8:12] = b".FIX"
    two_with_bad_crc = walk + run[:-1] + bytes([run[-1] ^ 0xFF])
    return {
        GZ: Made("derived", RUN, "gzip (level 9, mtime 0), as in Strava bulk exports", gz),
        "broken/derived__fitparse__garmin-fenix-5-walk.crc-flipped.fit": Made(
            "derived", WALK, "last CRC byte inverted: data intact, file CRC wrong", crc_flipped
        ),
        "broken/derived__fitparse__garmin-fenix-5-walk.header-only.fit": Made(
            "derived", WALK, "only the 14-byte FIT header, no records, no CRC", walk[:14]
        ),
        "broken/derived__fitparse__compressed-speed-distance.truncated-60pct.fit": Made(
            "derived",
            CSD,
            "first 60 % of the bytes: a download cut short (the header says more)",
            csd[: len(csd) * 6 // 10],
        ),
        "broken/derived__fitparse__garmin-fenix-5-walk.unexpected-eof.fit": Made(
            "derived",
            WALK,
            "data cut 7 bytes before its end (inside a message), header size and both CRCs "
            "recomputed: every check passes until the last message runs out",
            _seal(walk_header, cut),
        ),
        "broken/derived__fitparse__garmin-fenix-5-walk.chained-corrupt-header.fit": Made(
            "derived",
            WALK,
            "the file followed by a second header whose signature is .FIX",
            walk + bytes(corrupt_second),
        ),
        "broken/derived__fitparse__garmin-fenix-5-walk.chained-no-data.fit": Made(
            "derived",
            WALK,
            "the file followed by its own header again: a second file whose data never comes",
            walk + walk_header,
        ),
        "broken/derived__fitparse__garmin-fenix-5-walk-run.chained-crc.fit": Made(
            "derived",
            WALK,
            "two chained activities (walk, then fitparse__garmin-fenix-5-run.fit) whose second "
            "file CRC is wrong",
            two_with_bad_crc,
        ),
        "broken/derived__fitparse__garmin-fenix-5-run.truncated.fit.gz": Made(
            "derived",
            GZ,
            "the gzip stream cut in half (a broken export member)",
            gz[: len(gz) // 2],
        ),
    }


# --- built files --------------------------------------------------------------------------

TCX_NS = "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"
SEMICIRCLES = 2**31 / 180.0
RECORD_FIELDS: list[fb.Field] = [
    fb.TIMESTAMP,
    (0, "i", 0x85),  # position_lat, semicircles
    (1, "i", 0x85),  # position_long, semicircles
    (2, "H", 0x84),  # altitude, (m + 500) x 5
    fb.DISTANCE,  # distance, m x 100
    fb.HEART_RATE,
]


def _posix(text: str) -> int:
    return int(dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp())


def _fit_twin(tcx: bytes) -> bytes:
    """The TCX run re-recorded as a FIT activity file (same times, positions, distance, HR)."""
    ns = {"t": TCX_NS}
    root = ET.fromstring(tcx)
    rows = []
    for tp in root.iterfind(".//t:Trackpoint", ns):
        lat = tp.findtext("t:Position/t:LatitudeDegrees", namespaces=ns)
        lon = tp.findtext("t:Position/t:LongitudeDegrees", namespaces=ns)
        alt = tp.findtext("t:AltitudeMeters", namespaces=ns)
        dist = tp.findtext("t:DistanceMeters", namespaces=ns)
        hr = tp.findtext("t:HeartRateBpm/t:Value", namespaces=ns)
        rows.append(
            [
                _posix(tp.findtext("t:Time", namespaces=ns) or "") - fb.FIT_EPOCH,
                round(float(lat) * SEMICIRCLES) if lat else 0x7FFFFFFF,
                round(float(lon) * SEMICIRCLES) if lon else 0x7FFFFFFF,
                round((float(alt) + 500) * 5) if alt else 0xFFFF,
                round(float(dist) * 100) if dist else 0xFFFFFFFF,
                int(hr) if hr else 0xFF,
            ]
        )
    body = fb.file_id(product=1018) + fb.definition(0, 20, RECORD_FIELDS)  # product fr310xt
    for row in rows:
        body += fb.data(0, RECORD_FIELDS, row)
    start, end = rows[0][0], rows[-1][0]
    distance_cm = max(r[4] for r in rows if r[4] != 0xFFFFFFFF)
    heart = [r[5] for r in rows if r[5] != 0xFF]
    avg_hr = round(sum(heart) / len(heart))
    body += fb.session(
        1, start=start, elapsed_s=end - start, sport=1, values=[distance_cm, avg_hr, 0xFF, 0, 0xFF]
    )
    return fb.fit_file(body)


def _multisport_tcx() -> bytes:
    """A duathlon as a Garmin MultiSportSession: run 20 min, ride 30 min, run 10 min."""
    t0 = dt.datetime(2024, 5, 4, 8, 0, tzinfo=dt.UTC)
    legs = [("Running", 20 * 60, 3.2), ("Biking", 30 * 60, 8.0), ("Running", 10 * 60, 3.0)]
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<TrainingCenterDatabase xmlns="{TCX_NS}" '
        'xmlns:ns3="http://www.garmin.com/xmlschemas/ActivityExtension/v2">\n'
        f"<Activities><MultiSportSession><Id>{t0:%Y-%m-%dT%H:%M:%SZ}</Id>\n"
    ]
    clock, distance, step = 0, 0.0, 20
    for leg, (sport, seconds, speed) in enumerate(legs):
        out.append("<FirstSport>" if leg == 0 else "<NextSport>")
        start = t0 + dt.timedelta(seconds=clock)
        out.append(f'<Activity Sport="{sport}"><Id>{start:%Y-%m-%dT%H:%M:%SZ}</Id>')
        out.append(
            f'<Lap StartTime="{start:%Y-%m-%dT%H:%M:%SZ}"><TotalTimeSeconds>{seconds}'
            f"</TotalTimeSeconds><DistanceMeters>{seconds * speed:.1f}</DistanceMeters>"
            "<Intensity>Active</Intensity><TriggerMethod>Manual</TriggerMethod><Track>\n"
        )
        for i in range(seconds // step + 1):
            t = clock + i * step
            here = distance + i * step * speed
            when = t0 + dt.timedelta(seconds=t)
            hr = 130 + (t // 60) % 25
            cadence = (
                f"<Extensions><ns3:TPX><ns3:RunCadence>{84 + i % 3}</ns3:RunCadence></ns3:TPX>"
                "</Extensions>"
                if sport == "Running"
                else f"<Cadence>{88 + i % 5}</Cadence>"
            )
            out.append(
                f"<Trackpoint><Time>{when:%Y-%m-%dT%H:%M:%SZ}</Time><Position>"
                f"<LatitudeDegrees>{47.0 + here / 111_195:.7f}</LatitudeDegrees>"
                f"<LongitudeDegrees>{8.0 + math.sin(here / 500) * 0.001:.7f}</LongitudeDegrees>"
                f"</Position><AltitudeMeters>{400 + 5 * math.sin(t / 300):.1f}</AltitudeMeters>"
                f"<DistanceMeters>{here:.1f}</DistanceMeters><HeartRateBpm><Value>{hr}</Value>"
                f"</HeartRateBpm>{cadence}</Trackpoint>\n"
            )
        out.append("</Track></Lap></Activity>")
        out.append("</FirstSport>\n" if leg == 0 else "</NextSport>\n")
        clock += seconds + 60  # a one-minute transition
        distance = 0.0
    out.append("</MultiSportSession></Activities></TrainingCenterDatabase>\n")
    return "".join(out).encode()


def _built(read: Callable[[str], bytes]) -> dict[str, Made]:
    return {
        "fit/built__tcxparser__test.twin.fit": Made(
            "built",
            TWIN_SOURCE,
            "the run of tcx/tcxparser__test.tcx written as a FIT activity (records with time, "
            "position, altitude, distance, heart rate; one running session) by "
            "tests/ingest/fit/fitbuild.py: the same run from two sources",
            _fit_twin(read(TWIN_SOURCE)),
        ),
        "tcx/built__duathlon.multisport.tcx": Made(
            "built",
            None,
            "a synthetic duathlon (run, ride, run) as a MultiSportSession: one activity per "
            "leg; written by this script",
            _multisport_tcx(),
        ),
    }


def made_files(root: Path = LOCAL_ROOT) -> dict[str, Made]:
    """Every derived and built file, made from the copied files under ``root``."""

    def read(key: str) -> bytes:
        return (root / key).read_bytes()

    return {**_derived(read), **_built(read)}


# --- writing the corpus -------------------------------------------------------------------


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _licence(entry: dict[str, Any]) -> str:
    return str(entry["licence"]).split(" ")[0]


def _copy(shared: Path, sources: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for key, why in COPIED.items():
        entry = dict(sources[key])
        data = (shared / key).read_bytes()
        if _sha256(data) != entry["sha256"]:
            sys.exit(f"{key}: sha256 differs from the shared sources.json")
        origin = entry.get("derived_from")
        if origin == "nothing":  # an empty file: no content to license
            origin, licence = None, OWN
        else:
            licence = _licence(sources[origin] if origin else entry)
        if licence.split(" ")[0] not in ALLOWED_LICENCES:
            sys.exit(f"{key}: licence {entry['licence']} may not be redistributed here")
        (LOCAL_ROOT / key).parent.mkdir(parents=True, exist_ok=True)
        (LOCAL_ROOT / key).write_bytes(data)
        row: dict[str, Any] = {
            "file": key,
            "kind": "derived" if key.startswith("broken/derived__") else "copied",
        }
        row |= {k: entry.get(k) for k in ("repo", "path", "member", "head", "last_commit")}
        if origin:
            row |= {"derived_from": origin, "repo": sources[origin]["repo"]}
        elif row["kind"] == "derived":
            row |= {"derived_from": None}
        row |= {"licence": licence, "sha256": entry["sha256"], "size": len(data)}
        row |= {"note": entry["note"], "used_for": why}
        rows.append(row)
    return rows


def _made_rows(made: dict[str, Made], by_file: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for key, m in made.items():
        (LOCAL_ROOT / key).parent.mkdir(parents=True, exist_ok=True)
        (LOCAL_ROOT / key).write_bytes(m.data)
        origin = by_file.get(m.source or "")
        rows.append(
            {
                "file": key,
                "kind": m.kind,
                "repo": origin["repo"] if origin else None,
                "derived_from": m.source,
                "licence": origin["licence"] if origin else OWN,
                "sha256": _sha256(m.data),
                "size": len(m.data),
                "note": m.how,
                "made_by": "tests/data/make_corpus.py",
            }
        )
        by_file[key] = rows[-1]  # a made file may be the source of the next one
    return rows


def _reference(shared: Path, keys: list[str]) -> dict[str, Any]:
    whole = json.loads((shared / "reference.json").read_text())
    files = {k: whole["files"][k] for k in keys if k in whole["files"]}
    files[GZ] = json.loads(json.dumps(whole["files"][RUN]))
    files[GZ]["size_bytes"] = (LOCAL_ROOT / GZ).stat().st_size
    files[GZ]["source"] = {"derived_from": RUN, "note": "gzip of that file: same values"}
    head = {k: v for k, v in whole.items() if k not in ("files", "file_count")}
    head["notes"] = [
        "Subset of the shared corpus's reference.json: the entries of the files copied here, "
        "unchanged, plus the gzipped copy of fit/fitparse__garmin-fenix-5-run.fit (same values)."
        " Built and newly derived files have no peer values; their tests state what they check.",
        *whole["notes"],
    ]
    return {**head, "file_count": len(files), "files": dict(sorted(files.items()))}


def _markdown(rows: list[dict[str, Any]]) -> str:
    total = sum(r["size"] for r in rows)
    lines = [
        "# The test corpus: sources and licences",
        "",
        "The activity files the default test suite reads. Generated by "
        "`python -m tests.data.make_corpus` (see its docstring); `sources.json` is the "
        "machine-readable form (with sha256), `reference.json` holds the peer-library values "
        "of the shared corpus for the copied files. The full shared corpus "
        "(`../shared/data/activities`, 113 files, GPL and FIT SDK files included) is the "
        "*extended* suite: the same tests run over it when it is present.",
        "",
        f"{len(rows)} files, {total:,} bytes. Kinds: **copied** — real recordings from the "
        "public test suites named, under the licence named (texts in `LICENSES/`); **derived** "
        "— made from a copied file (truncated, a CRC flipped, chained, gzipped), same licence "
        "as that file; **built** — written by `tests/data/make_corpus.py` with the project's "
        "own builders (`tests/ingest/fit/fitbuild.py`) because the feature exists only in "
        "files we may not redistribute.",
        "",
        "Not copied on purpose: GPL-2.0/GPL-3.0/AGPL-3.0 files (GoldenCheetah, ActivityLog2, "
        "FitTrackee), files from the Garmin FIT SDK examples (FIT Protocol License) — "
        "including fitparse's `Settings.fit` and the five `activity-*.fit` broken files of "
        "fitparse, which are the SDK's `Activity.fit` with damage — and large files (the 2.4 MB "
        "muktihari stress file). Their features are covered by derived and built files here "
        "and by the extended suite.",
        "",
        "| file | bytes | kind | source (repository, path, commit) | licence | what it is; why "
        "the tests need it |",
        "|---|---:|---|---|---|---|",
    ]
    for r in rows:
        if r["kind"] == "copied":
            where = f"{r['repo']} `{r['path']}` @ `{r['last_commit'][:12]}`"
        elif r.get("derived_from"):
            where = f"from `{r['derived_from']}`"
        else:
            where = "—"
        what = r["note"] + (f"; {r['used_for']}" if r.get("used_for") else "")
        lines.append(
            f"| `{r['file']}` | {r['size']:,} | {r['kind']} | {where} | {r['licence']} | {what} |"
        )
    lines += [
        "",
        "Licence texts (`LICENSES/`), from each repository at the snapshot head in `sources.json`:",
        "",
    ]
    for repo, names in LICENCE_FILES.items():
        lines.append(f"- {repo}: " + ", ".join(f"`LICENSES/{n}`" for n in names))
    lines.append("")
    return "\n".join(lines)


def main() -> None:
    """Copy, derive, build, then write sources.json, reference.json and SOURCES.md."""
    shared = extended_root()
    if not (shared / "sources.json").is_file():
        sys.exit(f"shared corpus absent at {shared}")
    sources = {e["file"]: e for e in json.loads((shared / "sources.json").read_text())}
    for sub in ("fit", "gpx", "tcx", "broken"):
        shutil.rmtree(LOCAL_ROOT / sub, ignore_errors=True)
    copied = _copy(shared, sources)
    by_file = {r["file"]: r for r in copied}
    made = _made_rows(made_files(), by_file)
    rows = sorted(copied + made, key=lambda r: r["file"])
    for r in rows:
        if r["repo"] and r["repo"] not in LICENCE_FILES:
            sys.exit(f"{r['file']}: no licence text listed for {r['repo']}")
        if r["kind"] == "copied":
            r["head"] = sources[r["file"]]["head"]
    (LOCAL_ROOT / "sources.json").write_text(json.dumps(rows, indent=1) + "\n")
    reference = _reference(shared, [r["file"] for r in rows])
    (LOCAL_ROOT / "reference.json").write_text(json.dumps(reference, indent=1) + "\n")
    (LOCAL_ROOT / "SOURCES.md").write_text(_markdown(rows))
    print(f"{len(rows)} files, {sum(r['size'] for r in rows):,} bytes under {LOCAL_ROOT}")


if __name__ == "__main__":
    main()
