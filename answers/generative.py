"""Placeholder: the generative mode (written in its own step)."""


def rewrite(q, candidates, *, fallback):
    return fallback
