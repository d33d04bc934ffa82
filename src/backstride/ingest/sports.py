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
    "9": "running",  # Strava GPX numeric type
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
    "1": "cycling",
    "walk": "walking",
    "walking": "walking",
    "10": "walking",
    "hike": "hiking",
    "hiking": "hiking",
    "4": "hiking",
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

_FAMILIES: dict[str, str] = {
    "running": "foot",
    "walking": "foot",
    "hiking": "foot",
    "generic": "foot",  # a GPX without <type> is most often a run in this product [default]
    "cycling": "bike",
    "swimming": "swim",
}


def normalise_sport(text: str | None) -> str:
    """Any spelling (``Run``, ``Biking``, ``trail_running``, Strava ``9``) -> FIT sport name."""
    if not text:
        return "generic"
    key = text.strip().lower().replace("-", "_")
    if key in _ALIASES:
        return _ALIASES[key]
    squashed = key.replace(" ", "").replace("_", "")
    for alias, sport in _ALIASES.items():
        if alias.replace(" ", "").replace("_", "") == squashed:
            return sport
    return key.replace(" ", "_")[:32] or "generic"


def sport_family(sport: str) -> str:
    """Coarse family used by the dedup key: ``foot``, ``bike``, ``swim`` or the sport itself."""
    return _FAMILIES.get(sport, sport)


__all__ = ["normalise_sport", "sport_family"]
