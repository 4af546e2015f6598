from django.apps import AppConfig


class EditorialConfig(AppConfig):
    """Work on content that spans the content apps: loading it from files, the publishing
    clock, the review digest. It sits above kb, runbooks and search, so none of them needs
    to import another to do this work (no import cycles)."""

    name = "editorial"
    verbose_name = "Editorial"
