"""Small taxonomy files for the storage, API and web tests."""

from __future__ import annotations

from tests.unit.taxonomy.trees import services
from workshop.taxonomy.build import build
from workshop.taxonomy.formats import csv_format
from workshop.taxonomy.model import Status, make_concept

# Version 1: the engine tests' services tree, without its retired concept.
VERSION_1 = build(c for c in services().concepts.values() if c.active)
# Version 2: a relabel, a move, an add and a retire.
VERSION_2 = build(
    [
        *(
            c
            for c in VERSION_1.concepts.values()
            if c.id not in ("clinics", "insurance", "schools")
        ),
        make_concept(
            "clinics", {"ar": "المراكز الصحية", "en": "Health centres"}, parent="health", position=1
        ),
        make_concept("schools", {"ar": "المدارس", "en": "Schools"}, parent="housing"),
        make_concept(
            "dental", {"ar": "طب الأسنان", "en": "Dental care"}, parent="health", position=2
        ),
        make_concept(
            "insurance",
            {"ar": "التأمين الصحي", "en": "Health insurance"},
            {"ar": "تشمل بطاقات الضمان", "en": "Includes coverage cards"},
            status=Status.RETIRED,
            replaced_by="hospitals",
        ),
    ]
)


def csv_bytes(tree=VERSION_1) -> bytes:
    return csv_format.write(tree)
