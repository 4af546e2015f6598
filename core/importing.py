"""What an import of files reports (content, status): shared by the importers."""

from dataclasses import dataclass, field


@dataclass
class Report:
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # (path, reason)
