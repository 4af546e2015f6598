"""Times in log-spaced buckets, for percentiles from daily totals.

A bucket holds the times from 2**((i-1)/8) up to 2**(i/8) seconds (bucket 0: zero, a ticket
answered outside business hours): eight buckets per doubling, each 9 % wider than the one
before. A percentile taken from the buckets is the middle (geometric) of the bucket that the
nearest-rank percentile falls in: within 4.5 % of the time counted from the tickets (and one
second, as times are whole seconds). About 200 buckets span a second to a year.
"""

import math

STEPS = 8  # buckets per doubling
ERROR = 2 ** (1 / (2 * STEPS)) - 1  # the largest relative error of a percentile: 4.4 %


def index(seconds):
    if seconds <= 0:
        return 0
    return 1 + math.floor(math.log2(seconds) * STEPS)


def value(i):
    """The seconds a bucket stands for: its geometric middle, a whole second inside it."""
    if i <= 0:
        return 0
    low, high = 2 ** ((i - 1) / STEPS), 2 ** (i / STEPS)
    smallest, largest = math.ceil(low), max(math.ceil(low), math.ceil(high) - 1)
    return min(max(round(math.sqrt(low * high)), smallest), largest)


def add(counts, seconds):
    """Count one time into `counts` ({str(bucket): n}, as JSON keeps it)."""
    key = str(index(seconds))
    counts[key] = counts.get(key, 0) + 1


def merge(into, counts):
    for key, n in counts.items():
        into[key] = into.get(key, 0) + n
    return into


def percentiles(counts, points):
    """{point: seconds, ..., "count": n}, nearest-rank, or {} when nothing was counted."""
    total = sum(counts.values())
    if not total:
        return {}
    found = {"count": total}
    ordered = sorted((int(k), n) for k, n in counts.items())
    for point in points:
        rank = (total * point + 99) // 100
        seen = 0
        for i, n in ordered:
            seen += n
            if seen >= rank:
                found[point] = value(i)
                break
    return found
