"""`{% load times %}` then `<time datetime="{{ value|machine_time }}">`: the one way templates
write a machine-readable time (core.times)."""

from django import template

from core import times

register = template.Library()


@register.filter
def machine_time(value):
    return times.machine_time(value)
