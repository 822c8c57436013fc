"""Arabic (default, right-to-left) and English: direction, switch, complete catalogue."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

# Pages and forms, the same on every engine.
pytestmark = pytest.mark.engine_independent

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "workshop" / "translations" / "ar" / "LC_MESSAGES"
# Technical names that stay Latin in Arabic text.
ALLOWED_LATIN = {
    "CSV",
    "UTF",
    "MB",
    "coordinator",
    "representative",
    "observer",
    "agency",
    "username",
    "display_name",
    "role",
    "old",  # the columns of a correspondence table
    "new",
    # names of file formats
    "JSON",
    "XLSX",
    "Excel",
    "SKOS",
    "Turtle",
    "RDF",
    "XML",
    "N",
    "Triples",
    "LD",
    # SKOS terms and the name of an identifier (no Arabic word is in common use)
    "IRI",
    "skos",
    "notation",
}
VISIBLE_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt")
PAGES_BY_ROLE = {
    "anonymous": ["/login", "/no/such/page"],
    "observer": ["/", "/agencies", "/profile", "/admin/accounts"],
    "representative": ["/", "/agencies", "/profile"],
    "coordinator": ["/", "/agencies", "/profile", "/admin/accounts", "/admin/accounts/import"],
}


class VisibleText(HTMLParser):
    """Collects the text a reader sees, except inside elements marked translate="no"."""

    VOID = frozenset({"meta", "link", "input", "br", "img", "hr", "source"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, bool]] = []
        self.parts: list[str] = []

    def hidden(self) -> bool:
        return any(skip for _tag, skip in self.stack)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        skip = attributes.get("translate") == "no" or tag in {"script", "style"}
        if not skip and not self.hidden():
            self.parts.extend(attributes[a] or "" for a in VISIBLE_ATTRIBUTES if a in attributes)
            if tag == "input" and attributes.get("type") in {"submit", "button"}:
                self.parts.append(attributes.get("value") or "")
        if tag not in self.VOID:
            self.stack.append((tag, skip))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if not self.hidden():
            self.parts.append(data)


def untranslated_words(page: str) -> set[str]:
    parser = VisibleText()
    parser.feed(page)
    words = set(re.findall(r"[A-Za-z][A-Za-z_]*", " ".join(parser.parts)))
    return words - ALLOWED_LATIN


@pytest.mark.parametrize(
    ("role", "path"), [(r, p) for r, paths in PAGES_BY_ROLE.items() for p in paths]
)
def test_arabic_pages_are_right_to_left_and_fully_translated(client, sign_in, role, path):
    sign_in(None if role == "anonymous" else role)
    page = client.get(path).text
    assert '<html lang="ar" dir="rtl">' in page
    assert untranslated_words(page) == set(), path


TAXONOMY_PAGES = [
    "/taxonomies/",
    "/taxonomies/gov/",
    "/taxonomies/gov/v/2/",
    "/taxonomies/gov/v/2/concepts/clinics",
    "/taxonomies/gov/v/2/concepts/insurance",
    "/taxonomies/gov/v/2/search?q=المدارس",
    "/taxonomies/gov/diff?a=1&b=2",
    "/taxonomies/import/",
    "/admin/tokens",
    "/",
]


@pytest.mark.parametrize("path", TAXONOMY_PAGES)
def test_taxonomy_pages_in_arabic_are_fully_translated(client, sign_in, published, path):
    sign_in("coordinator")
    page = client.get(path).text
    assert '<html lang="ar" dir="rtl">' in page
    assert untranslated_words(page) == set(), path


@pytest.mark.parametrize("path", ["/", "/agencies", "/admin/accounts"])
def test_english_pages_are_left_to_right(client, sign_in, path):
    sign_in("coordinator")
    client.set_cookie("lang", "en")
    page = client.get(path).text
    assert '<html lang="en" dir="ltr">' in page
    assert "Sign out" in page


def test_the_checker_finds_english_left_in_an_arabic_page():
    assert untranslated_words('<p>نص</p><p>Sign out</p><span translate="no">coord</span>') == {
        "Sign",
        "out",
    }


def test_the_language_switch_keeps_the_current_page(client, sign_in):
    sign_in("coordinator")
    page = client.get("/agencies?q=MO").text
    link = re.search(r'href="(/lang/en\?next=[^"]+)"', page).group(1).replace("&amp;", "&")
    response = client.get(link)
    assert response.status_code == 303
    assert response.location == "/agencies?q=MO"
    assert '<html lang="en" dir="ltr">' in client.get(response.location).text


def test_an_unknown_language_is_ignored(client, sign_in):
    sign_in("observer")
    client.get("/lang/xx")
    assert 'dir="rtl"' in client.get("/").text


def source_messages() -> set[str]:
    found = set()
    method_map = [("workshop/**.py", "python"), ("templates/**.html", "jinja2")]
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT),
        method_map,
        keywords={
            "_": None,
            "_l": None,
            "lazy_gettext": None,
            "gettext": None,
            "ngettext": (1, 2),
            "lazy_ngettext": (1, 2),
        },
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_interface_string_has_an_arabic_translation():
    with open(CATALOG / "messages.po", "rb") as handle:
        catalog = read_po(handle, locale="ar")
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in catalog
        if m.id and not m.fuzzy and all(m.string if isinstance(m.string, tuple) else [m.string])
    }
    in_source = source_messages()
    assert len(in_source) > 100, "the extraction found too little: is the keyword list right?"
    missing = in_source - translated
    assert missing == set(), "run the catalogue update described in README.md"


def test_the_compiled_catalogue_is_up_to_date():
    def as_dict(catalog):
        return {
            tuple(m.id) if isinstance(m.id, list | tuple) else m.id: tuple(m.string)
            if isinstance(m.string, list | tuple)
            else m.string
            for m in catalog
            if m.id
        }

    with open(CATALOG / "messages.po", "rb") as handle:
        po = as_dict(read_po(handle, locale="ar"))
    with open(CATALOG / "messages.mo", "rb") as handle:
        mo = as_dict(read_mo(handle))
    assert mo == po, "run: pybabel compile -d workshop/translations"


@pytest.mark.parametrize("op", ["add", "relabel", "move", "retire", "merge"])
def test_proposal_pages_in_arabic_are_fully_translated(client, sign_in, published, people, op):
    from workshop.services import proposals

    author = people["representative"]
    proposal = proposals.create(author, "gov", "طب الأسنان", "أوضح")
    proposals.add_change(
        author, proposal.id, 1, {"op": "relabel", "id": "dental", "labels": {"ar": "الأسنان"}}
    )
    proposals.add_change(
        author, proposal.id, 2, {"op": "retire", "id": "hospitals", "replaced_by": "clinics"}
    )
    proposals.add_change(
        author, proposal.id, 3, {"op": "move", "id": "public-schools", "parent": "education"}
    )
    proposals.add_change(author, proposal.id, 4, {"op": "merge", "id": "clinics", "into": "dental"})
    proposals.add_change(
        author, proposal.id, 5, {"op": "add", "parent": None, "labels": {"ar": "النقل"}}
    )
    sign_in("representative")
    for path in (f"/proposals/{proposal.id}?op={op}", "/proposals/", "/proposals/new"):
        page = client.get(path).text
        assert '<html lang="ar" dir="rtl">' in page
        assert untranslated_words(page) == set(), path
