"""How the guide names levels, handling types and guide elements to residents (English
message ids, translated through gettext; no Kivy here, so tests can check every text has
a translation)."""

from __future__ import annotations

LEVEL_NAMES = {
    "village": "Village or community service station",
    "township": "Township service center",
    "street": "Street service center",
    "district": "District government service center",
}

# The source's own term first, then what it means for the resident.
HANDLING_NAMES = {
    "直办": "直办: handled and finished there",
    "受理": "受理: applications taken there, decided by the department",
    "网办": "网办: apply online",
    "委托受理": "委托受理: taken there on the department's behalf",
}

BROWSE_KINDS = {
    "owner": "By department",
    "level": "By where it is handled",
    "theme": "By life event",
}
