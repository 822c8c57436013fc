"""Arabic search folding with everyday spellings."""

from __future__ import annotations

import pytest

from workshop.taxonomy import search_fold


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("اسرة", "الأسرة"),
        ("الاسره", "الأسرة"),
        ("أسرة", "الأسرة"),
        ("الأُسْرَة", "الأسرة"),  # with diacritics
        ("مستشفى", "المستشفي"),  # alef maqsura and yaa
        ("الـتأمين", "تامين"),  # tatweel, hamza
        ("إقامة", "الاقامه"),
        ("آداب", "الاداب"),
        ("Health  CARE", "health care"),
    ],
)
def test_everyday_spellings_fold_to_one_form(typed, stored):
    assert search_fold(typed) == search_fold(stored)


def test_a_query_matches_inside_a_folded_label():
    assert search_fold("اسرة") in search_fold("رعاية الأسرة والطفل")
    assert search_fold("الطفل") in search_fold("رعاية الأسرة والطفل")


def test_short_words_keep_their_first_letters():
    # "ال" is an article only before a word of three letters or more
    assert search_fold("الى") == "الي"
    assert search_fold("الحج") == "الحج"
