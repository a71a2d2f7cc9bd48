"""A module that takes a second to import: preloaded by a pool's workers in
tests/unit/test_pool.py, it makes their boot longer than a call's time limit."""

import time

time.sleep(1.0)
