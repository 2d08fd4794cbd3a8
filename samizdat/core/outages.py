"""Writing down what already happened outside, while the database may be briefly away.

A message that left, or an inbox that answered, cannot be called back: if the write recording it
were lost, the work would come due again and go out twice. So such writes reopen a dropped
connection and try again for about a minute (1+2+4+8+15+15+15 s apart) before giving up.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from django.db import InterfaceError, OperationalError, connection

logger = logging.getLogger(__name__)
ATTEMPTS = 8
T = TypeVar("T")


def ride_out(write: Callable[[], T], what: str) -> T:
    """Run `write` (make it safe to run twice: a commit may have gone through before its connection
    dropped), retrying on a lost connection; outside a transaction only, as a retry needs a new
    connection. `what` names it in the log."""
    for attempt in range(ATTEMPTS):
        try:
            return write()
        except (OperationalError, InterfaceError):
            if attempt == ATTEMPTS - 1 or connection.in_atomic_block:
                raise
            logger.warning("Database unreachable while recording %s; retrying", what)
            connection.close()
            time.sleep(min(2**attempt, 15))
    raise AssertionError("unreachable")
