"""The one way a fetcher is made from the settings, for a refresh, a sync and ``tuinews
extract`` alike: the user's limits (``concurrency``, ``per_host``), ``user_agent`` and
``proxy`` (else the environment's proxies, if any). A feed's own user agent goes with
each of its requests (``FetchRequest.user_agent``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tuinews.settings import Settings

if TYPE_CHECKING:
    from tuinews.fetch import Fetcher


def new_fetcher(settings: Settings) -> Fetcher:
    from tuinews.fetch import Fetcher, FetchLimits  # (the HTTP stack: when first needed)

    limits = FetchLimits(concurrency=settings.concurrency, per_host=settings.per_host)
    return Fetcher(limits, user_agent=settings.user_agent or None, proxy=settings.proxy or None)
