"""A bidi control inside a label (U+202E turns the text after it around) ends where the
label ends: in the page title, the headings and the synonym lists."""

from __future__ import annotations

import re

from tests.web.taxonomy_files import create_taxonomy
from workshop.services.permissions import SYSTEM

RLO = "\u202e"
FILE = (
    "id,parent,label_ar,label_en,alt_ar,alt_en\n"
    f"evil,,خدمة{RLO}مقلوبة,Service{RLO}desrever,مرادف{RLO}مقلوب | ثانٍ,alias{RLO}saila\n"
).encode()


def test_a_bidi_override_in_a_label_stays_inside_the_label(client, people, sign_in):
    create_taxonomy(SYSTEM, "bidi", "اتجاه", "Direction", FILE, "bidi.csv")
    sign_in("coordinator")
    page = client.get("/taxonomies/bidi/v/1/concepts/evil").text
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert title.startswith("\u2068") and "\u2069 · " in title  # isolated before the site name
    assert RLO in title.split("\u2069")[0]  # the label's own text is kept as it is
    for text in (f"مرادف{RLO}مقلوب", "ثانٍ"):
        assert f'<bdi lang="ar">{text}</bdi>' in page
    assert f'<bdi lang="en">alias{RLO}saila</bdi>' in page
    # nowhere outside an isolate: every RLO in the body sits in a <bdi> (or the title's FSI)
    body = page.split("<body", 1)[1]
    outside = re.sub(r"<bdi[^>]*>.*?</bdi>", "", body, flags=re.S)
    assert RLO not in outside
