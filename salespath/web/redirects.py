"""Where a page sends the person back to when the address came from the request (a form's
`next`, a query string carried along): only to this site, the way Django's login checks its
`next`. Anything else (another host, a scheme, `//host`, a control character) goes to the
page's own fallback instead. Every view that redirects to a URL a user gave calls this."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def is_safe_next(request: HttpRequest, url: str | None) -> bool:
    if not url or any(ord(char) < 32 or ord(char) == 127 for char in url):
        return False
    return url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def redirect_back(
    request: HttpRequest, url: str | None, fallback: str, *args
) -> HttpResponseRedirect:
    """`url` if it is on this site, else `fallback` (a URL name with `args`, or a path)."""
    if is_safe_next(request, url):
        return redirect(url)
    return redirect(fallback, *args)
