"""Reference data stored in both languages (stage names, criteria, industries, products)."""

from django.utils.translation import get_language


def localized(zh: str, en: str) -> str:
    """The Chinese text, or the English one when English is active and one exists."""
    language = get_language() or "zh-hans"
    if language.startswith("en") and en:
        return en
    return zh
