"""Issue 16 item 13: every response carries the Content-Security-Policy, and no page has an
inline script or an inline event handler for it to block."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.factories import UserFactory

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)


def assert_policy_keeps(response) -> None:
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";")[0]


def assert_no_inline_script(response, url: str) -> None:
    html = response.content.decode()
    assert not INLINE_SCRIPT.findall(html), url
    assert not EVENT_HANDLER.findall(html), (url, EVENT_HANDLER.findall(html))


def test_the_login_page_and_the_api_carry_the_policy(client, db):
    assert_policy_keeps(client.get("/login/"))
    assert_policy_keeps(client.get("/api/v1/opportunities/"))


@pytest.mark.parametrize(
    "url",
    [
        "web:home",
        "web:pipeline",
        "web:board",
        "web:customers",
        "web:reports",
        "web:forecast",
        "web:funnel",
        "web:attainment",
        "web:evaluation",
        "web:roadmap_grid",
    ],
)
def test_pages_have_no_inline_script(login, cast, deal, url):
    response = login(cast.supervisor).get(reverse(url))
    assert response.status_code == 200, url
    assert_policy_keeps(response)
    assert_no_inline_script(response, url)


def test_the_opportunity_page_has_no_inline_script(login, cast, deal):
    url = reverse("web:opportunity", args=[deal.pk])
    assert_no_inline_script(login(cast.salesperson).get(url), url)


def test_the_admin_and_the_api_docs_have_no_inline_script(client, deal):
    root = UserFactory(
        username="root", team=None, is_superuser=True, is_staff=True, roles=["admin"]
    )
    client.force_login(root)
    for url in (
        "/admin/",
        f"/admin/pipeline/opportunity/{deal.pk}/change/",
        "/admin/pipeline/stage/S2/change/",
        "/api/v1/docs/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_inline_script(response, url)
