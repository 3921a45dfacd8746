"""Reference data stored in both languages (stage names, criteria, industries, products)."""

from django.utils.translation import get_language


def localized(zh: str, en: str) -> str:
    """The Chinese text, or the English one when English is active and one exists."""
    return en if english() and en else zh


def english() -> bool:
    """English is active (a loop over many rows asks once, then picks as `localized`)."""
    return (get_language() or "zh-hans").startswith("en")


def join_list(items) -> str:
    """Items as a list a reader of the active language expects: "甲、乙" in Chinese,
    "A, B" in English."""
    language = get_language() or "zh-hans"
    separator = ", " if language.startswith("en") else "、"
    return separator.join(str(item) for item in items)
