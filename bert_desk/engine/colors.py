"""Colours as `#rrggbb`, shared by the views and the HTML report: entity labels (the displaCy palette, PER ==
PERSON, stable hash colours for other labels), the sentiment negative → positive scale, attributions."""

from __future__ import annotations

import colorsys
import hashlib
import re
from collections.abc import Mapping, Sequence

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


NEGATIVE_HEX, NEUTRAL_HEX, POSITIVE_HEX = "#f28b82", "#e8eaed", "#81c995"
ANSWER_HEX, ANSWER_OTHER_HEX = "#fdd663", "#fef3c7"  # QA: the best answer, the others
ATTRIBUTION_NEGATIVE, ATTRIBUTION_ZERO, ATTRIBUTION_POSITIVE = "#5b9bd5", "#f7f7f7", "#ef6f4f"


def mix_hex(a: str, b: str, t: float) -> str:
    """Linear blend of two `#rrggbb` colours (t=0 gives a, t=1 gives b)."""
    t = min(1.0, max(0.0, t))
    x, y = int(a[1:], 16), int(b[1:], 16)
    parts = [round(((x >> s) & 255) + (((y >> s) & 255) - ((x >> s) & 255)) * t) for s in (16, 8, 0)]
    return "#" + "".join(f"{p:02x}" for p in parts)


def polarity_hex(polarity: float) -> str:
    """Colour on the negative (-1) → neutral (0) → positive (+1) sentiment scale."""
    if polarity < 0:
        return mix_hex(NEUTRAL_HEX, NEGATIVE_HEX, -polarity)
    return mix_hex(NEUTRAL_HEX, POSITIVE_HEX, polarity)


def attribution_hex(value: float, scale: float) -> str:
    """Diverging shade of an attribution: blue against the target, red for it, pale at 0; |value| == scale
    is the full colour."""
    t = abs(value) / scale if scale > 0 else 0.0
    return mix_hex(ATTRIBUTION_ZERO, ATTRIBUTION_POSITIVE if value > 0 else ATTRIBUTION_NEGATIVE, t)


def label_polarity(label: str, labels: Sequence[str] = ()) -> float:
    """Where a sentiment label sits on the negative (-1) → positive (+1) scale.

    Understands negative/neutral/positive names, "1 star".."5 stars" and `LABEL_k` ids
    (`LABEL_0` the most negative, as in SST-2 checkpoints); anything else is neutral.
    """
    low = label.lower()
    if "neg" in low:
        return -1.0
    if "pos" in low:
        return 1.0
    if "neu" in low:
        return 0.0
    digits = "".join(ch for ch in low if ch.isdigit())
    if "star" in low and digits:
        return (min(5, max(1, int(digits))) - 3) / 2
    if low.startswith("label_") and digits and len(labels) > 1:
        return int(digits) / (len(labels) - 1) * 2 - 1
    return 0.0


def scores_polarity(scores: Mapping[str, float]) -> float:
    """Expected polarity of a score distribution over sentiment labels, in [-1, 1]."""
    labels = sorted(scores)
    total = sum(scores.values()) or 1.0
    return max(-1.0, min(1.0, sum(label_polarity(lab, labels) * s for lab, s in scores.items()) / total))
