"""Settings: a base module plus one small module per topic, all read from the environment.

The order matters: later modules may read or override earlier ones; `testing` comes last.
"""
# ruff: noqa: I001, F403

from .base import *
from .database import *
from .storages import *
from .celery import *
from .redis_outage import *
from .stripe import *
from .agency import *
from .valuation import *
from .auctions import *
from .disposition import *
from .auth import *
from .security import *
from .logging import *
from .ops import *
from .throttles import *
from .testing import *
