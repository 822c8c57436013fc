"""The voting rules: quorum, threshold, ties, abstentions, consent, the rule in words."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workshop.consensus.voting import (
    Choice,
    Outcome,
    QuorumBase,
    Result,
    Rule,
    Tally,
    decide,
    structural,
)
from workshop.taxonomy.changes import Merge, Relabel, Retire

DEFAULT = Rule()


def test_the_defaults_of_design_section_6():
    # 53 agencies, 40 present: quorum is more than half of those present.
    assert DEFAULT.quorum(53, 40) == 21
    assert Rule(quorum_base=QuorumBase.ELECTORATE).quorum(53, 40) == 27
    assert decide(DEFAULT, Tally(14, 7, 0), 53, 40).result is Result.PASSED  # 2/3 exactly
    assert decide(DEFAULT, Tally(13, 7, 1), 53, 40).result is Result.SHORT
    assert decide(DEFAULT, Tally(5, 0, 15), 53, 40).result is Result.NO_QUORUM  # 20 < 21
    assert decide(DEFAULT, Tally(5, 0, 16), 53, 40).result is Result.PASSED  # abstentions
    assert decide(DEFAULT, Tally(0, 0, 30), 53, 40).result is Result.TIE  # nobody approved
    assert decide(Rule(threshold=Fraction(1, 2)), Tally(10, 10, 5), 53, 40).result is Result.TIE
    assert decide(Rule(consent=True), Tally(30, 1, 0), 53, 40).result is Result.BLOCKED


def test_a_stricter_threshold_for_structural_changes():
    rule = Rule(structural_threshold=Fraction(3, 4))
    tally = Tally(20, 8, 0)  # 71%
    assert decide(rule, tally, 53, 40).passed
    assert not decide(rule, tally, 53, 40, structural=True).passed
    top = {"health", "education"}.__contains__
    assert structural([Retire("health")], top)
    assert structural([Merge("education", "health")], top)
    assert not structural([Retire("clinics"), Relabel("health", {"en": "Care"})], top)


def test_the_rule_in_words_in_both_languages():
    assert DEFAULT.words("en", 53, 53) == (
        "passes with at least 2/3 of approve+reject and at least 27 ballots."
    )
    assert DEFAULT.words("ar", 53, 53) == (
        "يُقبل بموافقة الثلثين على الأقل من مجموع الموافقين والرافضين، وبـ27 بطاقة على الأقل."
    )
    assert "no rejection" in Rule(consent=True).words("en", 53, 53)
    assert Rule.from_record(Rule(consent=True, structural_threshold=Fraction(3, 4)).record()) == (
        Rule(consent=True, structural_threshold=Fraction(3, 4))
    )


def test_a_rule_refuses_impossible_shares():
    with pytest.raises(ValueError):
        Rule(threshold=Fraction(0))
    with pytest.raises(ValueError):
        Rule(threshold=Fraction(1, 3))  # a minority would pass
    with pytest.raises(ValueError):
        Rule(quorum_percent=100)


rules = st.builds(
    Rule,
    quorum_percent=st.integers(0, 99),
    quorum_base=st.sampled_from(list(QuorumBase)),
    threshold=st.fractions(min_value=Fraction(1, 2), max_value=1),
    consent=st.booleans(),
)
ballots = st.lists(st.sampled_from(list(Choice)), max_size=53)


@given(rules, ballots, st.integers(0, 53))
def test_the_outcome_follows_the_rule(rule, choices, absent):
    tally = Tally.of(choices)
    electorate = 53
    present = max(tally.cast, electorate - absent)
    outcome = decide(rule, tally, electorate, present)
    assert outcome.tally.cast == len(choices)
    if tally.cast < rule.quorum(electorate, present):
        assert outcome.result is Result.NO_QUORUM
    elif outcome.passed:
        assert tally.approve > tally.reject  # a tie never passes, nor a minority
        assert tally.approve >= rule.threshold * (tally.approve + tally.reject)
        assert not (rule.consent and tally.reject)
    # Turning one rejection into an approval never turns a pass into a failure.
    if tally.reject and outcome.passed:
        better = Tally(tally.approve + 1, tally.reject - 1, tally.abstain)
        assert decide(rule, better, electorate, present).passed
    # Abstentions only ever help reach quorum.
    more = Tally(tally.approve, tally.reject, tally.abstain + 1)
    if outcome.passed:
        assert decide(rule, more, electorate, present).passed
    assert Outcome.from_record(outcome.record()) == outcome
    assert outcome.words("ar") and outcome.words("en")
