"""Sport names from every source mapped onto FIT's vocabulary, and sport families for dedup."""

from __future__ import annotations

_ALIASES: dict[str, str] = {
    # FIT / Garmin / Strava / TCX / GPX <type> spellings -> FIT sport
    "run": "running",
    "running": "running",
    "trail run": "running",
    "trailrun": "running",
    "trail_running": "running",
    "virtualrun": "running",
    "virtual run": "running",
    "treadmill_running": "running",
    "track_running": "running",
    "street_running": "running",
    "indoor_running": "running",
    "ride": "cycling",
    "biking": "cycling",
    "cycling": "cycling",
    "bike": "cycling",
    "virtualride": "cycling",
    "virtual ride": "cycling",
    "road_biking": "cycling",
    "mountain_biking": "cycling",
    "indoor_cycling": "cycling",
    "ebikeride": "cycling",
    "walk": "walking",
    "walking": "walking",
    "hike": "hiking",
    "hiking": "hiking",
    "swim": "swimming",
    "swimming": "swimming",
    "lap_swimming": "swimming",
    "open_water_swimming": "swimming",
    "multisport": "multisport",
    "multi_sport": "multisport",
    "triathlon": "multisport",
    "weighttraining": "training",
    "workout": "training",
    "strength_training": "training",
    "yoga": "training",
    "other": "generic",
    "generic": "generic",
    # Strava's other type names (activities.csv "Activity Type", API sport_type)
    "alpineski": "alpine_skiing",
    "backcountryski": "alpine_skiing",
    "nordicski": "cross_country_skiing",
    "rollerski": "cross_country_skiing",
    "iceskate": "ice_skating",
    "inlineskate": "inline_skating",
    "snowboard": "snowboarding",
    "snowshoe": "snowshoeing",
    "kitesurf": "kitesurfing",
    "windsurf": "windsurfing",
    "canoeing": "paddling",
    "kayaking": "kayaking",
    "rowing": "rowing",
    "standuppaddling": "stand_up_paddleboarding",
    "surfing": "surfing",
    "crossfit": "training",
    "pilates": "training",
    "highintensityintervaltraining": "training",
    "elliptical": "fitness_equipment",
    "stairstepper": "fitness_equipment",
    "rockclimbing": "rock_climbing",
    "handcycle": "cycling",
    "velomobile": "cycling",
    "mountainbikeride": "cycling",
    "gravelride": "cycling",
    "emountainbikeride": "cycling",
    "trail_run": "running",
    # Strava writes activities.csv types in the account's language. German as seen in real
    # exports (Lauf, Radfahrt, Virtuelle Radfahrt, Schwimmen, Wandern, Spaziergang,
    # Gewichtstraining); the others are the apps' usual words [default, unverified].
    "lauf": "running",
    "laufen": "running",
    "virtueller lauf": "running",
    "radfahrt": "cycling",
    "virtuelle radfahrt": "cycling",
    "schwimmen": "swimming",
    "wandern": "hiking",
    "wanderung": "hiking",
    "spaziergang": "walking",
    "gewichtstraining": "training",
    "krafttraining": "training",
    "course à pied": "running",
    "course a pied": "running",
    "sortie à vélo": "cycling",
    "vélo": "cycling",
    "marche": "walking",
    "randonnée": "hiking",
    "natation": "swimming",
    "musculation": "training",
    "carrera": "running",
    "carrera a pie": "running",
    "bicicleta": "cycling",
    "caminata": "walking",
    "senderismo": "hiking",
    "natación": "swimming",
    "corsa": "running",
    "giro in bici": "cycling",
    "camminata": "walking",
    "escursionismo": "hiking",
    "nuoto": "swimming",
    "hardlopen": "running",
    "fietsrit": "cycling",
    "wandeling": "walking",
    "zwemmen": "swimming",
    "corrida": "running",
    "pedalada": "cycling",
    "caminhada": "walking",
    "natação": "swimming",
}

STRAVA_TYPE_CODES: dict[str, str] = {
    "1": "cycling",  # Ride
    "2": "alpine_skiing",  # AlpineSki
    "3": "alpine_skiing",  # BackcountrySki
    "4": "hiking",  # Hike
    "5": "ice_skating",  # IceSkate
    "6": "inline_skating",  # InlineSkate
    "7": "cross_country_skiing",  # NordicSki
    "8": "cross_country_skiing",  # RollerSki
    "9": "running",  # Run
    "10": "walking",  # Walk
    "11": "training",  # Workout
    "12": "snowboarding",  # Snowboard
    "13": "snowshoeing",  # Snowshoe
    "14": "kitesurfing",  # Kitesurf
    "15": "windsurfing",  # Windsurf
    "16": "swimming",  # Swim
    "17": "cycling",  # VirtualRide
    "18": "cycling",  # EBikeRide
    "19": "cycling",  # Velomobile
    "21": "paddling",  # Canoeing
    "22": "kayaking",  # Kayaking
    "23": "rowing",  # Rowing
    "24": "stand_up_paddleboarding",  # StandUpPaddling
    "25": "surfing",  # Surfing
    "26": "training",  # Crossfit
    "27": "fitness_equipment",  # Elliptical
    "28": "rock_climbing",  # RockClimbing
    "29": "fitness_equipment",  # StairStepper
    "30": "training",  # WeightTraining
    "31": "training",  # Yoga
    "51": "cycling",  # Handcycle
    "52": "wheelchair",  # Wheelchair
    "53": "running",  # VirtualRun
}
"""Strava's numeric activity types, as its GPX exports write them in ``<trk><type>``.

Strava does not publish the list; this is the community mapping (stackoverflow question
61903437, "What do the Strava GPX <type> elements mean"). Confirmed by real exports: 9 = Run
(tapiriik issue 574 quotes a Strava GPX with ``<type>9</type>`` for a run) and 16 = Swim (issue
16: a swim whose activities.csv says "Swim"); 1 = Ride, 4 = Hike and 10 = Walk were already
read so; the others are [unverified]. The export's activities.csv type, when there is one,
is applied on top (``hints.apply_hints``)."""

FIT_SPORTS = frozenset(
    {
        "generic", "running", "cycling", "transition", "fitness_equipment", "swimming",
        "basketball", "soccer", "tennis", "american_football", "training", "walking",
        "cross_country_skiing", "alpine_skiing", "snowboarding", "rowing", "mountaineering",
        "hiking", "multisport", "paddling", "flying", "e_biking", "motorcycling", "boating",
        "driving", "golf", "hang_gliding", "horseback_riding", "hunting", "fishing",
        "inline_skating", "rock_climbing", "sailing", "ice_skating", "sky_diving",
        "snowshoeing", "snowmobiling", "stand_up_paddleboarding", "surfing", "wakeboarding",
        "water_skiing", "kayaking", "rafting", "windsurfing", "kitesurfing", "tactical",
        "jumpmaster", "boxing", "floor_climbing", "diving", "wheelchair",
    }
)  # fmt: skip
"""FIT's sport names (Garmin FIT profile ``sport`` enum, the common ones)."""

_FAMILIES: dict[str, str] = {
    "running": "foot",
    "walking": "foot",
    "hiking": "foot",
    "generic": "foot",  # a GPX without <type> is most often a run in this product [default]
    "cycling": "bike",
    "swimming": "swim",
}


def normalise_sport(text: str | None) -> str:
    """Any spelling (``Run``, ``Biking``, ``trail_running``, Strava ``9``) -> FIT sport name;
    an unknown spelling is kept (lower case, underscores), "generic" when empty."""
    if not text:
        return "generic"
    key = text.strip().lower().replace("-", "_")
    if key in _ALIASES:
        return _ALIASES[key]
    if key in STRAVA_TYPE_CODES:
        return STRAVA_TYPE_CODES[key]
    squashed = key.replace(" ", "").replace("_", "")
    for alias, sport in _ALIASES.items():
        if alias.replace(" ", "").replace("_", "") == squashed:
            return sport
    return key.replace(" ", "_")[:32] or "generic"


def is_known_sport(sport: str) -> bool:
    """True for a sport name backstride knows (FIT's, or one an alias maps to); False for
    "generic" and for what a file wrote that means nothing here (e.g. an unknown number)."""
    return sport != "generic" and (sport in FIT_SPORTS or sport in _ALIASES.values())


def sport_family(sport: str) -> str:
    """Coarse family used by the dedup key: ``foot``, ``bike``, ``swim`` or the sport itself."""
    return _FAMILIES.get(sport, sport)


__all__ = [
    "FIT_SPORTS",
    "STRAVA_TYPE_CODES",
    "is_known_sport",
    "normalise_sport",
    "sport_family",
]
