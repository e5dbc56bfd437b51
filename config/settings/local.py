"""The embedded default used by `make run`: SpatiaLite under var/, eager Celery, console e-mail."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
