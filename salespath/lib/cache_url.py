"""`CACHE_URL` → one entry of Django's CACHES. Pure: no Django import.

    db://salespath_cache      the database's table (default): shared by every app process
                              on the same database; made by `salespath migrate`
    redis://HOST:PORT/DB      Redis through Django's RedisCache (rediss:// for TLS)
    locmem://                 this process's memory: one process only (tests, a laptop)

Throttles, the sign-in lockout and any other counter live in this cache, so with more than one
app process it must be `db://` or `redis://`.
"""

from __future__ import annotations

from urllib.parse import urlsplit

DEFAULT = "db://salespath_cache"


class CacheUrlError(ValueError):
    pass


def cache_from_url(url: str) -> dict:
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme == "db":
        table = (parts.netloc + parts.path).strip("/")
        if not table or not table.replace("_", "").isalnum():
            raise CacheUrlError(
                f"CACHE_URL {url!r}: name the table, e.g. db://salespath_cache "
                "(letters, digits and _)."
            )
        return {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": table}
    if scheme in ("redis", "rediss"):
        if not parts.hostname:
            raise CacheUrlError(f"CACHE_URL {url!r}: name the host, e.g. redis://127.0.0.1:6379/0.")
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url.strip()}
    if scheme == "locmem":
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": (parts.netloc + parts.path).strip("/") or "salespath",
        }
    raise CacheUrlError(
        f"CACHE_URL {url!r}: the scheme must be db://, redis://, rediss:// or locmem://."
    )
