"""Filters for plain-text emails (`{% load mailtext %}`)."""

from django import template

register = template.Library()


@register.filter
def quoted(text):
    """Each line behind "> ", as mail clients quote (the HTML alternative shows a quote)."""
    return "\n".join(f"> {line}".rstrip() for line in str(text).strip().splitlines())
