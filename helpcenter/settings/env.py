"""Reading the environment: the helpers every settings module uses, and the two values more
than one of them needs."""

import os


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")
REDIS_URL = os.environ.get("REDIS_URL", "")
