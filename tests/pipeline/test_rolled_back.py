"""`rolled_back` (an import's dry run): whatever is written goes, and the derived data is
not moved for it; after it, every writer's changes are announced again."""

import pytest

from salespath.forecast.models import ForecastRollup
from salespath.pipeline.models import Opportunity
from salespath.pipeline.signals import opportunities_changed, rolled_back
from tests.pipeline.test_copies import new_deal

pytestmark = pytest.mark.django_db


def test_a_rolled_back_write_leaves_no_trace_and_announces_nothing(cast):
    heard = []

    def listen(**kwargs):
        heard.append(kwargs["owner_ids"])

    opportunities_changed.connect(listen)
    try:
        with rolled_back():
            new_deal(cast, "Dry")
            assert Opportunity.objects.filter(name="Dry").exists()
        assert heard == []
        assert not Opportunity.objects.filter(name="Dry").exists()
        assert not ForecastRollup.objects.exists()

        with pytest.raises(RuntimeError), rolled_back():
            new_deal(cast, "Failed")
            raise RuntimeError("the import failed half way")
        assert not Opportunity.objects.filter(name="Failed").exists()

        new_deal(cast, "Kept")  # announced as ever once the dry run is over
        assert heard == [{cast.salesperson.pk}]
        assert ForecastRollup.objects.filter(owner=cast.salesperson).exists()
    finally:
        opportunities_changed.disconnect(listen)
