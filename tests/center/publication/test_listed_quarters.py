"""Only a quarter the publication page lists (the current one and the eight before it) may
be published; any other asked for is refused with words, and nothing is kept."""

from __future__ import annotations

import pytest
from django.utils import timezone

from center.publication.export import FIELDS, as_csv
from center.publication.models import Publication
from center.publication.publishing import NotPublishable, publish
from center.publication.quarters import Quarter, recent_quarters
from tests.fixtures.center_people import make_people

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_quarter_not_listed_is_refused(client):
    people = make_people()
    listed = recent_quarters(timezone.now())
    too_old = listed[-1].previous()
    client.force_login(people.admin)
    for quarter in (too_old, Quarter(2000, 1), listed[0].next()):
        response = client.post("/publication/publish/", {
            "district": "xc", "quarter": quarter.slug, "confirm": "on"})
        assert response.status_code == 403, quarter
        with pytest.raises(NotPublishable):
            publish(people.admin, "xc", quarter)
    assert not Publication.objects.exists()
    # The oldest the page lists is still published.
    assert publish(people.admin, "xc", listed[-1]).version == 1


def test_a_quarter_addressed_far_off_is_not_found(client):
    people = make_people()
    client.force_login(people.admin)
    assert client.get("/publication/export/9999q4.csv").status_code == 404
    assert client.get("/public/xc/9999q4/").status_code == 404
    assert client.get("/publication/", {"quarter": "9999q4"}).status_code == 200


def test_every_field_of_the_provincial_csv_is_kept_text():
    row = dict.fromkeys(FIELDS, "")
    row.update(projectNo="+86-1", taskName="-1", evalDetail="208,213")
    text = as_csv([row]).decode("utf-8-sig")
    assert ",'+86-1," in text
    assert ",'-1," in text
    assert '"208,213"' in text
