"""The voting rules (DESIGN.md section 6) of a workshop, pure: a tally in, an outcome out,
and each rule able to say itself in words in Arabic and English.

Defaults: quorum is more than half of the agencies present at roll call; an item passes
with approvals at least 2/3 of approvals + rejections. Abstentions count for quorum only.
Ties and shortfalls fail. In consent mode any rejection (it always has a reason) blocks.
A stricter threshold may apply to structural changes (retiring or merging a top-level
concept)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from ..taxonomy.changes import Change, Merge, Retire


class Choice(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"  # needs a reason: it is an objection
    ABSTAIN = "abstain"


class QuorumBase(StrEnum):
    PRESENT = "present"  # the agencies marked present (or represented) at roll call
    ELECTORATE = "electorate"  # every agency of the workshop's electorate


class Result(StrEnum):
    PASSED = "passed"
    NO_QUORUM = "no_quorum"
    SHORT = "short"  # approvals below the threshold
    TIE = "tie"
    BLOCKED = "blocked"  # consent mode: a rejection blocks


@dataclass(frozen=True)
class Rule:
    quorum_percent: int = 50  # ballots cast must be MORE than this share of the base
    quorum_base: QuorumBase = QuorumBase.PRESENT
    threshold: Fraction = Fraction(2, 3)  # approvals >= threshold x (approvals + rejections)
    structural_threshold: Fraction | None = None  # for retiring or merging a top-level concept
    consent: bool = False

    def __post_init__(self) -> None:
        if not 0 <= self.quorum_percent < 100:
            raise ValueError("quorum_percent must be 0 to 99")
        for share in (self.threshold, self.structural_threshold):
            # Below a half, fewer approvals than rejections would pass: no consensus rule.
            if share is not None and not Fraction(1, 2) <= share <= 1:
                raise ValueError("a threshold is a share from 1/2 to 1")

    def quorum(self, electorate: int, present: int) -> int:
        """The fewest ballots that make quorum: more than quorum_percent of the base."""
        base = present if self.quorum_base is QuorumBase.PRESENT else electorate
        return base * self.quorum_percent // 100 + 1

    def threshold_for(self, structural: bool) -> Fraction:
        if structural and self.structural_threshold is not None:
            return max(self.threshold, self.structural_threshold)
        return self.threshold

    def words(self, language: str, electorate: int, present: int, structural: bool = False) -> str:
        """The rule as a sentence, e.g. "passes with at least 2/3 of approve+reject and at
        least 27 ballots"."""
        share = self.threshold_for(structural)
        needed = self.quorum(electorate, present)
        if language == "ar":
            text = (
                f"يُقبل بموافقة {_share_ar(share)} على الأقل من مجموع الموافقين والرافضين، "
                f"وبـ{needed} بطاقة على الأقل"
            )
            if self.consent:
                text += "، ولا يُقبل إن رفضه أحد (توافق)"
            return text + "."
        text = (
            f"passes with at least {share} of approve+reject and at least {needed} "
            f"{'ballot' if needed == 1 else 'ballots'}"
        )
        if self.consent:
            text += ", and with no rejection (consent)"
        return text + "."

    def record(self) -> dict[str, object]:
        return {
            "quorum_percent": self.quorum_percent,
            "quorum_base": self.quorum_base.value,
            "threshold": str(self.threshold),
            "structural_threshold": (
                str(self.structural_threshold) if self.structural_threshold else None
            ),
            "consent": self.consent,
        }

    @classmethod
    def from_record(cls, data: Mapping[str, object]) -> Rule:
        structural = data.get("structural_threshold")
        return cls(
            quorum_percent=int(str(data.get("quorum_percent", 50))),
            quorum_base=QuorumBase(str(data.get("quorum_base", "present"))),
            threshold=Fraction(str(data.get("threshold", "2/3"))),
            structural_threshold=Fraction(str(structural)) if structural else None,
            consent=bool(data.get("consent", False)),
        )


_SHARES_AR = {Fraction(2, 3): "الثلثين", Fraction(1, 2): "النصف", Fraction(3, 4): "ثلاثة أرباع"}


def _share_ar(share: Fraction) -> str:
    return _SHARES_AR.get(share, f"{share.numerator}/{share.denominator}")


@dataclass(frozen=True)
class Tally:
    approve: int = 0
    reject: int = 0
    abstain: int = 0

    @property
    def cast(self) -> int:
        return self.approve + self.reject + self.abstain

    @classmethod
    def of(cls, choices: Iterable[Choice]) -> Tally:
        counts = {c: 0 for c in Choice}
        for choice in choices:
            counts[choice] += 1
        return cls(counts[Choice.APPROVE], counts[Choice.REJECT], counts[Choice.ABSTAIN])


@dataclass(frozen=True)
class Outcome:
    result: Result
    tally: Tally
    quorum: int  # ballots needed
    threshold: Fraction

    @property
    def passed(self) -> bool:
        return self.result is Result.PASSED

    def words(self, language: str) -> str:
        """The result and the tally in a sentence."""
        t = self.tally
        if language == "ar":
            head = _RESULTS_AR[self.result]
            counts = f"موافقة {t.approve}، رفض {t.reject}، امتناع {t.abstain}"
            return f"{head} ({counts}؛ النصاب {self.quorum})."
        head = _RESULTS_EN[self.result]
        counts = f"{t.approve} approve, {t.reject} reject, {t.abstain} abstain"
        return f"{head} ({counts}; quorum {self.quorum})."

    def record(self) -> dict[str, object]:
        return {
            "result": self.result.value,
            "approve": self.tally.approve,
            "reject": self.tally.reject,
            "abstain": self.tally.abstain,
            "quorum": self.quorum,
            "threshold": str(self.threshold),
        }

    @classmethod
    def from_record(cls, data: Mapping[str, object]) -> Outcome:
        tally = Tally(*(int(str(data[k])) for k in ("approve", "reject", "abstain")))
        return cls(
            Result(str(data["result"])),
            tally,
            int(str(data["quorum"])),
            Fraction(str(data["threshold"])),
        )


_RESULTS_EN = {
    Result.PASSED: "Approved",
    Result.NO_QUORUM: "Not decided: no quorum",
    Result.SHORT: "Rejected: too few approvals",
    Result.TIE: "Rejected: a tie",
    Result.BLOCKED: "Rejected: an objection blocks consent",
}
_RESULTS_AR = {
    Result.PASSED: "قُبل",
    Result.NO_QUORUM: "لم يُبتّ فيه: لم يكتمل النصاب",
    Result.SHORT: "رُفض: الموافقات أقل من المطلوب",
    Result.TIE: "رُفض: تعادل",
    Result.BLOCKED: "رُفض: اعتراض يمنع التوافق",
}


def decide(
    rule: Rule, tally: Tally, electorate: int, present: int, structural: bool = False
) -> Outcome:
    """The outcome of a closed round."""
    quorum = rule.quorum(electorate, present)
    share = rule.threshold_for(structural)

    def outcome(result: Result) -> Outcome:
        return Outcome(result, tally, quorum, share)

    if tally.cast < quorum:
        return outcome(Result.NO_QUORUM)
    if rule.consent and tally.reject:
        return outcome(Result.BLOCKED)
    voting = tally.approve + tally.reject
    if tally.approve == tally.reject:
        return outcome(Result.TIE)  # 0:0 too: nobody approved
    if tally.approve < share * voting:
        return outcome(Result.SHORT)
    return outcome(Result.PASSED)


def structural(changes: Iterable[Change], top_level: Callable[[str], bool]) -> bool:
    """Whether the changes retire or merge a top-level concept (a stricter threshold may
    apply)."""
    return any(isinstance(c, Retire | Merge) and top_level(c.id) for c in changes)
