"""Settings: a base module plus one small module per topic, all read from the environment."""

from .agency import *  # noqa: F403
from .auctions import *  # noqa: F403
from .base import *  # noqa: F403
from .celery import *  # noqa: F403
from .database import *  # noqa: F403
from .storages import *  # noqa: F403
from .stripe import *  # noqa: F403
from .valuation import *  # noqa: F403
