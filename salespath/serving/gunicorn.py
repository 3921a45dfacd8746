"""gunicorn's configuration for `salespath serve`, read from the environment.

SALESPATH_BIND                       address to listen on (default 127.0.0.1:8000; a socket
                                     path is given as unix:/run/salespath/web.sock)
SALESPATH_WORKERS / WEB_CONCURRENCY  worker processes (default: 2 × CPUs + 1, at most 12)
SALESPATH_THREADS                    threads per worker (default 4)
SALESPATH_TIMEOUT                    seconds before a silent worker is restarted (default 60)
"""

import os


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _positive_int(*names: str, default: int) -> int:
    # `salespath serve` has already refused a value that is not a whole number ≥ 1.
    for name in names:
        value = os.environ.get(name, "").strip()
        if value:
            return int(value)
    return default


# Python code holds the GIL, so CPU-bound report pages scale with processes; a few threads
# per process keep a worker busy while another request waits on the database.
bind = os.environ.get("SALESPATH_BIND", "127.0.0.1:8000")
workers = _positive_int("SALESPATH_WORKERS", "WEB_CONCURRENCY", default=min(2 * _cpus() + 1, 12))
threads = _positive_int("SALESPATH_THREADS", default=4)
worker_class = "gthread"
timeout = _positive_int("SALESPATH_TIMEOUT", default=60)
graceful_timeout = 30
keepalive = 5
# Each request is logged by the app (salespath.serving.logs), with the route and the user;
# gunicorn's own access log would only repeat it with the raw path and query string.
accesslog = None
errorlog = "-"
# The worker heartbeat files live in memory rather than on a possibly slow disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# No runtime control socket (gunicorn ≥ 24 would otherwise make one in $HOME).
control_socket_disable = True
wsgi_app = "salespath.wsgi:application"
proc_name = "salespath"

if os.environ.get("LOG_FORMAT", "").strip().lower() == "json":
    # gunicorn's own lines (start, worker restarts, timeouts) in the app's JSON shape.
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "salespath.serving.jsonlog.JsonFormatter"}},
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": "json",
            }
        },
        "root": {"level": "WARNING", "handlers": ["stdout"]},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["stdout"], "propagate": False}
        },
    }
