"""Settings for `make run`: the web application on SQLite with the demo region."""

from .base import *  # noqa: F403
