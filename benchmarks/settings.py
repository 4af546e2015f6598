"""Production settings plus the trivial views `make bench-load` compares every page with.

Only the load benchmark uses this module: the trivial views exist nowhere else.
"""

from helpcenter.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.urls"
