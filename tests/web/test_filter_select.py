"""The board's and the list's filters are written by `PlainSelect`, one pass for thousands
of options: the same choices, labels, selection and attributes as Django's own select."""

import re

import pytest
from django import forms

from salespath.web.forms import PipelineFilterForm, PlainSelect

OPTION = re.compile(r'<option value="([^"]*)"( selected)?>([^<]*)</option>')


def _options(html: str) -> list[tuple[str, bool, str]]:
    return [(value, bool(selected), label) for value, selected, label in OPTION.findall(html)]


@pytest.mark.django_db
def test_the_filters_offer_the_same_people_and_keep_the_chosen_one(cast):
    chosen = cast.teammate.pk
    form = PipelineFilterForm({"owner": str(chosen)}, user=cast.supervisor)
    plain = str(form["owner"])
    django_select = form["owner"].as_widget(forms.Select(choices=form.fields["owner"].choices))

    assert _options(plain) == _options(re.sub(r"\s*\n\s*", "", django_select))
    assert ("", False, "All") in _options(plain) or ("", False, "全部") in _options(plain)
    assert (str(chosen), True, str(cast.teammate)) in _options(plain)
    assert 'name="owner"' in plain and 'id="id_owner"' in plain


def test_labels_are_escaped_and_attributes_kept():
    widget = PlainSelect(attrs={"class": "filter"}, choices=[("1", "<b>A&B</b>"), ("2", "二")])
    html = widget.render("who", "2", attrs={"id": "id_who", "hx-get": "/x/?a=1&b=2"})

    assert "<b>" not in html and "&lt;b&gt;A&amp;B&lt;/b&gt;" in html
    assert '<option value="2" selected>二</option>' in html
    assert 'class="filter"' in html and 'hx-get="/x/?a=1&amp;b=2"' in html
