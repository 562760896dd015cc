#!/usr/bin/env python3
"""Times Python's json.load of one file (the baseline of the ingest benchmark)."""
import json
import sys
import time

start = time.perf_counter()
with open(sys.argv[1], "rb") as f:
    json.load(f)
print(f"{time.perf_counter() - start:.6f}")
