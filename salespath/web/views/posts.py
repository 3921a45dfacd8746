"""Addresses that only take a form's POST.

A refused form is answered at its POST address (422 with the errors beside the fields), so
that address is what the browser shows afterwards. Reloading or revisiting it is a GET: it
goes back to the page the form is on instead of a blank 405."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import reverse


def post_only(page_name: str, *, args: Callable[..., list] = lambda **kw: []) -> Callable:
    """POST runs the view; GET and HEAD redirect to `page_name` reversed with `args(**kwargs)`
    of the URL; anything else is 405."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *positional, **kwargs) -> HttpResponse:
            if request.method in ("GET", "HEAD"):
                return redirect(reverse(page_name, args=args(**kwargs)))
            if request.method != "POST":
                return HttpResponseNotAllowed(["POST"])
            return view(request, *positional, **kwargs)

        return wrapped

    return decorate


def opportunity_page(**kwargs) -> list:
    return [kwargs["pk"]]
