"""Personal tokens, the sign-in endpoint and its lockout, and the one error shape."""

import pytest
from django.conf import settings

from salespath.api.models import ApiToken, hash_key

pytestmark = pytest.mark.django_db


def test_a_token_is_shown_once_and_stored_only_as_a_hash(cast, api):
    client = api(cast.salesperson)
    created = client.post("/api/v1/auth/tokens/", {"name": "报表脚本"}, format="json")
    assert created.status_code == 201
    key = created.json()["key"]
    stored = ApiToken.objects.get(pk=created.json()["id"])
    assert stored.key_hash == hash_key(key) and key not in stored.key_hash
    listed = client.get("/api/v1/auth/tokens/").json()["results"]
    assert "报表脚本" in [t["name"] for t in listed]
    assert all("key" not in t for t in listed)


def test_a_revoked_token_no_longer_works(cast, api):
    owner = api(cast.salesperson)
    created = owner.post("/api/v1/auth/tokens/", {"name": "临时"}, format="json").json()
    other = api()
    other.credentials(HTTP_AUTHORIZATION=f"Token {created['key']}")
    assert other.get("/api/v1/branches/").status_code == 200
    assert owner.delete(f"/api/v1/auth/tokens/{created['id']}/").status_code == 204
    refused = other.get("/api/v1/branches/")
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "not_authenticated"


def test_one_cannot_revoke_someone_elses_token(cast, api):
    theirs = api(cast.teammate).post("/api/v1/auth/tokens/", {"name": "x"}, format="json").json()
    response = api(cast.salesperson).delete(f"/api/v1/auth/tokens/{theirs['id']}/")
    assert response.status_code == 404
    assert ApiToken.objects.get(pk=theirs["id"]).revoked_at is None


def test_a_token_needs_a_name(cast, api):
    response = api(cast.salesperson).post("/api/v1/auth/tokens/", {"name": " "}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["name"]


def test_sign_in_with_password_returns_a_working_token(cast, api):
    response = api().post(
        "/api/v1/auth/token/", {"username": "li", "password": "pw-for-tests"}, format="json"
    )
    assert response.status_code == 201
    client = api()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {response.json()['key']}")
    assert client.get("/api/v1/people/").json()["results"][0]["username"] == "li"


def test_repeated_wrong_passwords_lock_the_account_out_in_the_callers_language(cast, api):
    client = api(language="en")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        wrong = client.post(
            "/api/v1/auth/token/", {"username": "li", "password": "nope"}, format="json"
        )
        assert wrong.status_code == 400
        assert wrong.json()["error"]["message"] == "Wrong username or password."
    last_wrong = client.post(
        "/api/v1/auth/token/", {"username": "li", "password": "nope"}, format="json"
    )
    assert last_wrong.status_code == 429
    locked = client.post(
        "/api/v1/auth/token/", {"username": "li", "password": "pw-for-tests"}, format="json"
    )
    assert locked.status_code == 429
    assert locked.json()["error"]["code"] == "throttled"
    assert locked.json()["error"]["message"].startswith("Too many failed sign-ins")
    assert int(locked["Retry-After"]) > 0


def test_errors_speak_chinese_by_default(cast, api):
    response = api().post(
        "/api/v1/auth/token/", {"username": "li", "password": "nope"}, format="json"
    )
    assert response.json() == {
        "error": {"code": "bad_credentials", "message": "用户名或密码错误。"}
    }


def test_anonymous_callers_are_refused(api, db):
    response = api().get("/api/v1/opportunities/")
    assert response.status_code == 401
    assert set(response.json()["error"]) == {"code", "message"}
