"""Issue 16 item 1: only administrators reach /admin/, and there transactional records are
shown, never changed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import UserFactory

NON_ADMINISTRATORS = [
    "salesperson",
    "teammate",
    "supervisor",
    "other_salesperson",
    "other_supervisor",
    "branch_gm",
    "finance",
    "executive",
]


@pytest.fixture
def change_url(deal):
    return f"/admin/pipeline/opportunity/{deal.pk}/change/"


@pytest.mark.parametrize("member", NON_ADMINISTRATORS)
def test_no_admin_page_for_anyone_but_an_administrator_even_with_the_staff_flag(
    member, cast, client, change_url
):
    person = getattr(cast, member)
    person.is_staff = True  # a staff flag alone (an old demo database) opens nothing
    person.save(update_fields=["is_staff"])
    client.force_login(person)
    for url in ("/admin/", "/admin/pipeline/opportunity/", change_url, "/admin/org/user/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith("/admin/login/"), url


def test_a_salesperson_cannot_log_in_to_the_admin_with_the_right_password(cast, client):
    cast.salesperson.is_staff = True
    cast.salesperson.save(update_fields=["is_staff"])
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "li", "password": "pw-for-tests"}
    )
    assert response.status_code == 200  # the form again, with its error
    assert client.get("/admin/").status_code == 302


def test_the_administrator_role_opens_the_admin(cast, client):
    client.force_login(cast.admin)
    assert client.get("/admin/").status_code == 200


def test_the_administrator_role_without_superuser_manages_the_method_and_the_organisation(
    cast, client
):
    """The role, not the superuser flag, is what an import or the user admin gives: it must
    open the model pages too, while transactional records stay read-only."""
    cast.admin.is_superuser = False
    cast.admin.save()
    client.force_login(cast.admin)
    team = cast.salesperson.team
    assert client.get(reverse("admin:org_team_change", args=[team.pk])).status_code == 200
    assert client.get(reverse("admin:pipeline_stage_changelist")).status_code == 200
    assert client.get(reverse("admin:pipeline_opportunity_changelist")).status_code == 200
    assert client.get(reverse("admin:pipeline_opportunity_add")).status_code == 403


@pytest.fixture
def superuser(db):
    return UserFactory(
        username="root", team=None, is_superuser=True, is_staff=True, roles=["admin"]
    )


def test_the_administrator_sees_an_opportunity_but_cannot_change_it(
    superuser, deal, client, change_url
):
    client.force_login(superuser)
    page = client.get(change_url)
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    renamed = client.post(change_url, {"name": "改掉的名字"})
    assert renamed.status_code == 403
    deal.refresh_from_db()
    assert deal.name == "华南制造ERP项目"
    assert client.get("/admin/pipeline/opportunity/add/").status_code == 403
    assert client.post(f"/admin/pipeline/opportunity/{deal.pk}/delete/").status_code == 403


@pytest.mark.parametrize(
    "model",
    [
        "pipeline/opportunity",
        "pipeline/contract",
        "pipeline/payment",
        "pipeline/attestation",
        "pipeline/initiationrequest",
        "pipeline/quote",
        "pipeline/stagechange",
        "pipeline/fieldchange",
        "customers/customer",
        "activities/activity",
        "roadmap/signoff",
    ],
)
def test_transactional_records_cannot_be_added_in_the_admin(superuser, client, model):
    client.force_login(superuser)
    assert client.get(f"/admin/{model}/").status_code == 200
    assert client.get(f"/admin/{model}/add/").status_code == 403


def test_a_person_saved_in_the_admin_is_staff_only_as_an_administrator(superuser, cast, client):
    client.force_login(superuser)
    person = cast.salesperson
    page = client.get(f"/admin/org/user/{person.pk}/change/")
    form = page.context["adminform"].form
    data = {
        key: value
        for key, value in form.initial.items()
        if value is not None and key not in ("password", "groups", "user_permissions")
    }
    data.update({"team": person.team_id, "branch": person.branch_id or "", "is_staff": "on"})
    for split in ("date_joined", "last_login"):  # the admin's date and time boxes
        moment = data.pop(split, None)
        if moment is not None:
            data[f"{split}_0"], data[f"{split}_1"] = moment.date(), moment.time()
    for prefix, formset in [
        (f.formset.prefix, f.formset) for f in page.context["inline_admin_formsets"]
    ]:
        management = formset.management_form
        data.update({f"{prefix}-{k}": v for k, v in management.initial.items()})
        for i, sub in enumerate(formset.forms):
            for name, field in sub.fields.items():
                value = sub.initial.get(name, field.initial)
                if value is not None:
                    data[f"{prefix}-{i}-{name}"] = getattr(value, "pk", value)
    response = client.post(f"/admin/org/user/{person.pk}/change/", data)
    assert response.status_code == 302, response.context and response.context["errors"]
    person.refresh_from_db()
    assert not person.is_staff
