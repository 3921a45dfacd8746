"""Every page renders for the people who may see it, in the product's layout."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(reverse("web:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))


def test_login_page_is_chinese_by_default_and_has_labelled_fields(client):
    response = client.get(reverse("web:login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in html
    assert 'for="id_username"' in html and 'for="id_password"' in html
    assert "登录" in html


def test_logging_in_shows_the_persons_name_and_role(client, cast):
    response = client.post(
        reverse("web:login"), {"username": "zhao", "password": "pw-for-tests"}, follow=True
    )
    html = response.content.decode()
    assert "赵强" in html
    assert "销售主管" in html


def test_home_page_renders_for_every_role(login, cast, deal):
    for person in (cast.salesperson, cast.supervisor, cast.branch_gm, cast.finance, cast.executive):
        response = login(person).get(reverse("web:home"))
        assert response.status_code == 200, person


def test_pipeline_list_and_board_show_the_deal(login, cast, deal):
    client = login(cast.salesperson)
    assert "华南制造ERP项目" in client.get(reverse("web:pipeline")).content.decode()
    assert "华南制造ERP项目" in client.get(reverse("web:board")).content.decode()


def test_opportunity_page_renders_with_checklist(login, cast, deal):
    response = login(cast.salesperson).get(reverse("web:opportunity", args=[deal.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="criterion-S2.1"' in html


def test_customer_pages_render(login, cast, deal):
    client = login(cast.salesperson)
    assert client.get(reverse("web:customers")).status_code == 200
    response = client.get(reverse("web:customer", args=[deal.customer_id]))
    assert response.status_code == 200
    assert "S1.1" in response.content.decode()


def test_navigation_is_chinese_by_default_and_english_on_request(login, cast):
    chinese = login(cast.salesperson).get(reverse("web:home")).content.decode()
    assert ">商机</a>" in chinese and ">客户</a>" in chinese
    english = login(cast.salesperson, "en").get(reverse("web:home")).content.decode()
    assert ">Pipeline</a>" in english and ">Customers</a>" in english


def test_language_switch_sets_english_and_returns_to_the_page(login, cast):
    client = login(cast.salesperson)
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("web:pipeline")}
    )
    assert response.status_code == 302 and response["Location"] == reverse("web:pipeline")
    assert "No opportunity matches" in client.get(reverse("web:pipeline")).content.decode()


def test_navigation_shows_approvals_to_supervisors_and_payments_to_finance(login, cast):
    supervisor = login(cast.supervisor).get(reverse("web:home")).content.decode()
    assert 'data-nav="initiations"' in supervisor and 'data-nav="payments"' not in supervisor
    finance = login(cast.finance).get(reverse("web:home")).content.decode()
    assert 'data-nav="payments"' in finance and 'data-nav="initiations"' not in finance
    salesperson = login(cast.salesperson).get(reverse("web:home")).content.decode()
    assert 'data-nav="payments"' not in salesperson and 'data-nav="initiations"' not in salesperson


def test_someone_elses_opportunity_is_the_products_404_page(login, cast, deal):
    response = login(cast.other_salesperson).get(reverse("web:opportunity", args=[deal.pk]))
    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html and "web/app.css" in html
    assert "Traceback" not in html


def test_a_supervisor_of_another_team_cannot_open_the_inbox_of_payments(login, cast):
    response = login(cast.other_supervisor).get(reverse("web:payments"))
    assert response.status_code == 403
    assert "可以确认回款" in response.content.decode()


def test_the_edit_form_shows_dates_in_the_browsers_date_format(login, cast, deal):
    html = login(cast.salesperson).get(reverse("web:opportunity", args=[deal.pk])).content.decode()
    assert 'type="date" name="expected_close" value="2026-09-30"' in html


def test_a_salespersons_home_shows_this_weeks_roadmap_standards(login, cast):
    person = cast.salesperson
    person.quota_start_date = date(2026, 2, 2)
    person.save()
    html = login(person).get(reverse("web:home")).content.decode()
    assert 'data-testid="home-roadmap"' in html
    assert (
        'data-testid="home-roadmap"'
        not in login(cast.finance).get(reverse("web:home")).content.decode()
    )


@pytest.mark.parametrize(
    "url_name",
    ["web:funnel", "web:attainment", "web:submissions", "web:accuracy", "web:customer_new"],
)
def test_new_pages_render_in_english_without_chinese_labels(login, cast, url_name):
    response = login(cast.supervisor, language="en").get(reverse(url_name))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in html
    for chinese in ("阶段漏斗", "任务完成率", "预测上报", "预测准确率", "新建客户"):
        assert chinese not in html


def test_opportunity_page_in_english_names_the_stage_work(login, cast, deal):
    html = (
        login(cast.salesperson, language="en")
        .get(reverse("web:opportunity", args=[deal.pk]))
        .content.decode()
    )
    for label in ("Record a quote", "Mark as lost", "Add a key date", "Record an objection"):
        assert label in html
