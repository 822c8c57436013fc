"""Small taxonomy files for the storage, API and web tests."""

from __future__ import annotations

from workshop.taxonomy.build import build
from workshop.taxonomy.formats import csv_format
from workshop.taxonomy.model import Status, make_concept

VERSION_1 = build(
    [
        make_concept("health", {"ar": "الصحة", "en": "Health"}),
        make_concept("education", {"ar": "التعليم", "en": "Education"}, position=1),
        make_concept("housing", {"ar": "الإسكان", "en": "Housing"}, position=2),
        make_concept("hospitals", {"ar": "المستشفيات", "en": "Hospitals"}, parent="health"),
        make_concept("clinics", {"ar": "العيادات", "en": "Clinics"}, parent="health", position=1),
        make_concept(
            "insurance",
            {"ar": "التأمين الصحي", "en": "Health insurance"},
            {"ar": "بطاقات الضمان", "en": "Coverage cards"},
            parent="health",
            position=2,
        ),
        make_concept("schools", {"ar": "المدارس", "en": "Schools"}, parent="education"),
        make_concept(
            "public-schools", {"ar": "المدارس الحكومية", "en": "Public schools"}, parent="schools"
        ),
    ]
)
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
            {"ar": "بطاقات الضمان", "en": "Coverage cards"},
            status=Status.RETIRED,
            replaced_by="hospitals",
        ),
    ]
)


def csv_bytes(tree=VERSION_1) -> bytes:
    return csv_format.write(tree)
