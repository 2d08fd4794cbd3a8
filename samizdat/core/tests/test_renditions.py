"""Lead-image renditions are made by a background task when images are saved or published."""

from __future__ import annotations

import pytest

from samizdat.core.images import lead_specs
from samizdat.core.tasks import generate_renditions

pytestmark = pytest.mark.django_db


def test_saving_an_image_generates_every_lead_rendition(image_factory):
    image = image_factory()
    specs = set(image.renditions.values_list("filter_spec", flat=True))
    assert specs == set(lead_specs())
    formats = {r.file.name.rsplit(".", 1)[1] for r in image.renditions.all()}
    assert formats == {"avif", "webp"}


def test_rendition_task_can_run_twice_without_doing_the_work_twice(image_factory):
    image = image_factory()
    before = list(image.renditions.order_by("pk").values_list("pk", "file"))
    assert generate_renditions.call(image.pk) == len(lead_specs())
    after = list(image.renditions.order_by("pk").values_list("pk", "file"))
    assert before == after


def test_rendition_task_for_a_deleted_image_does_nothing():
    assert generate_renditions.call(987654) == 0
