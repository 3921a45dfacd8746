"""CACHE_URL → Django's CACHES entry (issue 18 §3)."""

import pytest

from salespath.lib.cache_url import DEFAULT, CacheUrlError, cache_from_url


def test_default_is_the_database_table_every_process_shares():
    assert cache_from_url(DEFAULT) == {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "salespath_cache",
    }


def test_redis_url_goes_to_djangos_redis_cache_whole():
    url = "redis://:secret@cache.internal:6380/2"
    assert cache_from_url(url) == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": url,
    }


def test_locmem_is_this_process_only():
    assert cache_from_url("locmem://")["BACKEND"].endswith("LocMemCache")


@pytest.mark.parametrize("url", ["memcached://x", "db://", "db://bad-name;drop", "redis://"])
def test_a_url_it_cannot_use_names_the_setting(url):
    with pytest.raises(CacheUrlError, match="CACHE_URL"):
        cache_from_url(url)
