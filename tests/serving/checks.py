"""Health checks for the tests, named in SALESPATH_HEALTH_CHECKS as a worker check would be."""


def heartbeat_is_fresh():
    return True, "last beat 3 s ago"


def heartbeat_is_stale():
    return False, "no heartbeat for 300 s"


def worker_unreachable():
    raise ConnectionError("redis://:secret-password@10.0.0.5:6379 refused")
