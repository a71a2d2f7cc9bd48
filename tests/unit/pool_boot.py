"""Preloaded by the workers of tests/unit/test_pool.py to make their boot slow or fatal:
its import takes a second, or ends the process, as TUINEWS_TEST_BOOT says ("slow",
"die"; set in the parent, the spawned workers inherit it)."""

import os
import time

if os.environ.get("TUINEWS_TEST_BOOT") == "slow":
    time.sleep(1.0)
elif os.environ.get("TUINEWS_TEST_BOOT") == "die":
    os._exit(7)
