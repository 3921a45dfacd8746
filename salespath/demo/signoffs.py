"""Skill sign-offs of the roadmap (SPEC §6): the first conversation during training, the
product introduction and the technical discussion during P1, each by the person's
supervisor. Some new people are still waiting for theirs."""

from __future__ import annotations

import random
from datetime import date, timedelta

from salespath.roadmap.models import SignOff, SkillItem

from .people import Organisation

NOTES = {
    SkillItem.FIRST_CONVERSATION: "陪访两次,能按提问清单了解客户现状和需求",
    SkillItem.PRODUCT_INTRODUCTION: "独立完成标准产品介绍,客户反馈良好",
    SkillItem.TECHNICAL_DISCUSSION: "能与客户IT负责人讨论产品架构和集成方案",
}


def _day(rng: random.Random, start: date, latest: date, today: date) -> date | None:
    end = min(latest, today)
    if end < start:
        return None
    return start + timedelta(days=rng.randint(0, (end - start).days))


def write_signoffs(rng: random.Random, org: Organisation, today: date) -> int:
    rows = []
    for person in org.salespeople:
        supervisor = org.supervisor_of(person).user
        wanted = []
        if person.phase != "P0" or rng.random() < 0.5:
            first = _day(rng, person.hire_date + timedelta(days=10), person.quota_start, today)
            wanted.append((SkillItem.FIRST_CONVERSATION, first))
        if person.phase != "P0":
            chance = 0.5 if person.phase == "P1" else 0.95
            for item in (SkillItem.PRODUCT_INTRODUCTION, SkillItem.TECHNICAL_DISCUSSION):
                if rng.random() < chance:
                    start = person.quota_start + timedelta(days=14)
                    wanted.append((item, _day(rng, start, start + timedelta(days=70), today)))
        rows += [
            SignOff(
                person=person.user, item=item, signed_on=day, signed_by=supervisor, note=NOTES[item]
            )
            for item, day in wanted
            if day is not None
        ]
    SignOff.objects.bulk_create(rows)
    return len(rows)
