"""Entity label colours: the displaCy palette, PER == PERSON, and stable hash colours for other labels."""

from __future__ import annotations

import colorsys
import hashlib
import re

DISPLACY: dict[str, str] = {
    "ORG": "#7aecec", "PRODUCT": "#bfeeb7", "GPE": "#feca74", "LOC": "#ff9561", "PERSON": "#aa9cfc",
    "NORP": "#c887fb", "FAC": "#9cc9cc", "EVENT": "#ffeb80", "LAW": "#ff8197", "LANGUAGE": "#ff8197",
    "WORK_OF_ART": "#f0d0ff", "DATE": "#bfe1d9", "TIME": "#bfe1d9", "MONEY": "#e4e7d2",
    "QUANTITY": "#e4e7d2", "ORDINAL": "#e4e7d2", "CARDINAL": "#e4e7d2", "PERCENT": "#e4e7d2",
}
EXTRA: dict[str, str] = {"PER": DISPLACY["PERSON"], "MISC": "#ddd6fe"}
_PREFIX = re.compile(r"^[BIESLU][-_]")


def base_label(label: str) -> str:
    """Label without a B-/I-/E-/S-/L-/U- tag prefix."""
    return _PREFIX.sub("", label.strip())


def label_color(label: str) -> str:
    """`#rrggbb` background for an entity label (deterministic across runs)."""
    name = base_label(label)
    key = name.upper()
    if key in DISPLACY:
        return DISPLACY[key]
    if key in EXTRA:
        return EXTRA[key]
    digest = hashlib.sha1(key.encode("utf-8")).digest()
    hue = int.from_bytes(digest[:2], "big") / 65536
    lightness = 0.72 + digest[2] / 255 * 0.1
    saturation = 0.55 + digest[3] / 255 * 0.3
    r, g, b = colorsys.hls_to_rgb(hue, lightness, saturation)
    color = f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"
    used = set(DISPLACY.values()) | set(EXTRA.values())
    return color if color not in used else f"#{(int(color[1:], 16) ^ 0x010101):06x}"
