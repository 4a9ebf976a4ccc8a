"""Template filters of Mijn Wegwijs."""

from django import template

register = template.Library()


@register.filter
def ltr(value: object) -> str:
    """A date or number inside a sentence, kept left-to-right in an Arabic or
    Persian sentence (Unicode's left-to-right isolate): 05-01-2026 stays 05-01-2026
    instead of being reordered around its hyphens."""
    return f"\u2066{value}\u2069"
