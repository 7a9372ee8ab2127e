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
# MISC: a pink that stays visible on white even as a (lighter) proposal; the old #ddd6fe was 1.4:1 on white
EXTRA: dict[str, str] = {"PER": DISPLACY["PERSON"], "MISC": "#f9a8d4"}
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


def relative_luminance(color: str) -> float:
    """WCAG 2 relative luminance of a `#rrggbb` colour (0 black … 1 white)."""
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(color[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two `#rrggbb` colours (1 … 21; text needs 4.5 for AA)."""
    high, low = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)
