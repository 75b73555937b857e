"""Matching engine: pure functions over plain data (no Django, no database; numpy + OR-Tools).

Public API (a contract the Django side codes against): the dataclasses Mentee, Mentor, Weights,
Rules, ScorePart, Pair, Alternative, Unmatched, Result; eligibility(), score_pair(), pair_views(),
solve(), compare(); SOLVER_LABELS, REASON_TEXTS, PART_LABELS.

How it works (_Problem):
- participants are sorted by id (ties are broken by id everywhere, so the output does not depend on
  the input order); attributes become numpy arrays, tags bit masks;
- candidate edges are built per block (organisation / municipality when the rules say so) as the
  cross product of the block's mentees and mentors, vectorised: hard rules filter, every score part
  is computed in integer hundredths from the same float expression as the scalar score_pair(), so
  both agree exactly;
- optimal: min-cost max-flow (OR-Tools SimpleMinCostFlow.solve_max_flow_with_min_cost) per batch
  of independent blocks — cardinality first, then the total score;
- stable: mentee-proposing deferred acceptance with capacities, vectorised in rounds; each side
  ranks by its own view (the score without the other side's questionnaire choice and without the
  mutual-first bonus);
- greedy «best score first» is the same deferred acceptance with both sides ranking by the common
  score: with one global order of pairs its unique stable matching is exactly the greedy result;
- explanations (ScorePart texts) are made only for the returned pairs and alternatives, one object
  per distinct text, shared.
"""

from __future__ import annotations

import itertools
import math
import operator
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow

__all__ = [
    "PART_LABELS",
    "REASON_TEXTS",
    "SOLVER_LABELS",
    "Alternative",
    "Mentee",
    "Mentor",
    "Pair",
    "Result",
    "Rules",
    "ScorePart",
    "Unmatched",
    "Weights",
    "compare",
    "eligibility",
    "pair_views",
    "score_pair",
    "solve",
]

SOLVER_LABELS = {
    "optimal": "Оптимальное",
    "stable": "Устойчивое",
    "greedy": "Жадное (лучший балл первым)",
}


@dataclass(frozen=True, slots=True)
class Mentee:
    id: int
    label: str = ""
    org_id: int = 0
    municipality_id: int = 0
    age: int | None = None
    grade: int | None = None
    gender: str = ""
    requests: tuple[str, ...] = ()
    interests: tuple[str, ...] = ()
    format: str = "any"
    schedule: tuple[str, ...] = ()
    subject: str = ""
    preferences: tuple[int, ...] = ()
    consent: bool = True
    wants_gender: str = ""


@dataclass(frozen=True, slots=True)
class Mentor:
    id: int
    label: str = ""
    org_id: int = 0
    municipality_id: int = 0
    age: int | None = None
    grade: int | None = None
    gender: str = ""
    competencies: tuple[str, ...] = ()
    interests: tuple[str, ...] = ()
    format: str = "any"
    schedule: tuple[str, ...] = ()
    subject: str = ""
    capacity: int = 1
    preferences: tuple[int, ...] = ()
    consent: bool = True
    approved: bool = True
    trained: bool = True


@dataclass(frozen=True, slots=True)
class Weights:
    request: float = 5.0
    preference: float = 3.0
    mutual_first: float = 4.0
    interests: float = 1.0
    format: float = 1.0
    schedule: float = 1.0
    subject: float = 2.0
    gender: float = 0.0
    age: float = 0.0


@dataclass(frozen=True, slots=True)
class Rules:
    min_age_gap: int = 0
    min_grade_gap: int = 0
    same_org: bool = False
    same_municipality: bool = False
    require_trained: bool = True
    forbidden: frozenset[tuple[int, int]] = frozenset()
    locked: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True, slots=True)
class ScorePart:
    code: str
    points: float
    text: str


@dataclass(frozen=True, slots=True)
class Pair:
    mentee_id: int
    mentor_id: int
    score: float
    parts: tuple[ScorePart, ...]
    locked: bool = False


@dataclass(frozen=True, slots=True)
class Alternative:
    mentor_id: int
    score: float
    parts: tuple[ScorePart, ...]
    full: bool


@dataclass(frozen=True, slots=True)
class Unmatched:
    mentee_id: int
    code: str
    text: str


@dataclass(frozen=True, slots=True)
class Result:
    solver: str
    pairs: tuple[Pair, ...]
    unmatched: tuple[Unmatched, ...]
    alternatives: dict[int, tuple[Alternative, ...]]
    matched_count: int
    total_score: float
    blocking_pairs: int
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    seconds: float = 0.0


# =========================================================================== texts

REASON_TEXTS = {
    "mentee_no_consent": "нет согласия наставляемого на обработку персональных данных",
    "mentor_no_consent": "нет согласия наставника на обработку персональных данных",
    "mentor_not_approved": "наставник не утверждён",
    "mentor_not_trained": "наставник не прошёл обучение",
    "no_capacity": "у наставника нет мест",
    "other_org": "другая организация",
    "other_municipality": "другой муниципалитет",
    "age_gap": "недостаточная разница в возрасте",
    "grade_gap": "недостаточная разница в классах (курсах)",
    "forbidden": "пара запрещена куратором",
}
# the order in which eligibility() checks the rules (the first violated one is reported)
_REASON_ORDER = tuple(REASON_TEXTS)

FORMAT_TEXTS = {"in_person": "очно", "remote": "дистанционно"}
PART_LABELS = {
    "request": "Запрос и компетенции",
    "preference": "Выбор в анкете предпочтений",
    "mutual_first": "Взаимный первый выбор",
    "interests": "Общие интересы",
    "format": "Формат встреч",
    "schedule": "Время встреч",
    "subject": "Предмет (специальность)",
    "gender": "Пожелание по полу наставника",
    "age": "Близость по возрасту",
}
MAX_WEIGHT = 1000.0
_AGE_SPAN = 10  # the age part falls linearly from its weight (same age) to 0 (10 years apart)


def _plural(n: int, one: str, few: str, many: str) -> str:
    n100 = abs(n) % 100
    n10 = n100 % 10
    if 11 <= n100 <= 14 or n10 == 0 or n10 >= 5:
        return many
    return one if n10 == 1 else few


def _q(items) -> str:
    return ", ".join(f"«{item}»" for item in items)


def _who(obj) -> str:
    return f"«{obj.label}»" if obj.label else f"№ {obj.id}"


# =========================================================================== eligibility


def _mentor_reason(mentor: Mentor, rules: Rules) -> str | None:
    if not mentor.consent:
        return "mentor_no_consent"
    if not mentor.approved:
        return "mentor_not_approved"
    if rules.require_trained and not mentor.trained:
        return "mentor_not_trained"
    if mentor.capacity <= 0:
        return "no_capacity"
    return None


def eligibility(mentee: Mentee, mentor: Mentor, rules: Rules) -> str | None:
    """None when the pair may be formed, else the code of the first violated hard rule
    (texts in REASON_TEXTS). Age and grade gaps are checked only when both values are known."""
    if not mentee.consent:
        return "mentee_no_consent"
    reason = _mentor_reason(mentor, rules)
    if reason is not None:
        return reason
    if rules.same_org and mentee.org_id != mentor.org_id:
        return "other_org"
    if rules.same_municipality and mentee.municipality_id != mentor.municipality_id:
        return "other_municipality"
    age_known = mentee.age is not None and mentor.age is not None
    if rules.min_age_gap > 0 and age_known and mentor.age - mentee.age < rules.min_age_gap:
        return "age_gap"
    grade_known = mentee.grade is not None and mentor.grade is not None
    if rules.min_grade_gap > 0 and grade_known and mentor.grade - mentee.grade < rules.min_grade_gap:
        return "grade_gap"
    if (mentee.id, mentor.id) in rules.forbidden:
        return "forbidden"
    return None


# =========================================================================== score
#
# Every part is computed in integer hundredths («cents») as round(x * 100) of the same float
# expression in the scalar code below and in the vectorised code of _Problem, so both agree
# to the last digit. Python's round() and numpy's rint() both round half to even.


def _w(weights: Weights) -> dict[str, float]:
    """Weights as floats in [0, MAX_WEIGHT]: negative, unreadable and NaN ones count as 0 (a part can
    only add), larger ones as MAX_WEIGHT (keeps the integer hundredths small)."""
    out = {}
    for name in Weights.__slots__:
        value = _num(getattr(weights, name))
        out[name] = min(value, MAX_WEIGHT) if value > 0 else 0.0  # also drops NaN
    return out


def _dedup(items) -> tuple:
    return tuple(dict.fromkeys(items))


def _format_code(value: str) -> str:
    return "" if value in ("", "any") else value


def _pref_half(w: float, prefs: tuple, target: int) -> float | None:
    """Points from one side's choice (half of the preference weight): rank r of k → w·(k−r)/k/2."""
    try:
        r = prefs.index(target)
    except ValueError:
        return None
    k = len(prefs)
    return w * (k - r) / k / 2


def _score_cents(mentee: Mentee, mentor: Mentor, w: dict[str, float], explain: bool):
    """The scalar reference of the score: (total cents, mentee-side preference cents, mentor-side
    preference cents, mutual cents, parts). _Problem._score is its vectorised twin."""
    keys: list[tuple] = []
    a_c = b_c = mutual_c = 0
    if w["request"] and mentee.requests:
        comp = set(mentor.competencies)
        reqs = _dedup(mentee.requests)
        matched = tuple(sorted(r for r in reqs if r in comp))
        if matched:
            keys.append(("request", round(w["request"] * len(matched) / len(reqs) * 100), matched, len(reqs)))
    e_prefs = _dedup(mentee.preferences)
    m_prefs = _dedup(mentor.preferences)
    if w["preference"]:
        a = _pref_half(w["preference"], e_prefs, mentor.id)
        b = _pref_half(w["preference"], m_prefs, mentee.id)
        if a is not None or b is not None:
            a_c = round(a * 100) if a is not None else 0
            b_c = round(b * 100) if b is not None else 0
            r = e_prefs.index(mentor.id) if a is not None else None
            r2 = m_prefs.index(mentee.id) if b is not None else None
            cents = round(((a or 0.0) + (b or 0.0)) * 100)
            keys.append(
                ("preference", cents, r, len(e_prefs) if a is not None else 0, r2, len(m_prefs) if b is not None else 0)
            )
    if w["mutual_first"] and e_prefs and m_prefs and e_prefs[0] == mentor.id and m_prefs[0] == mentee.id:
        mutual_c = round(w["mutual_first"] * 100)
        keys.append(("mutual_first", mutual_c))
    if w["interests"] and mentee.interests and mentor.interests:
        mine, theirs = _dedup(mentee.interests), set(mentor.interests)
        common = tuple(sorted(i for i in mine if i in theirs))
        if common:
            union = len(mine) + len(theirs) - len(common)
            keys.append(("interests", round(w["interests"] * len(common) / union * 100), common))
    if w["format"]:
        fe, fm = _format_code(mentee.format), _format_code(mentor.format)
        if not fe or not fm or fe == fm:
            keys.append(("format", round(w["format"] * 100), fe, fm))
    if w["schedule"] and mentee.schedule and mentor.schedule:
        mine, theirs = _dedup(mentee.schedule), set(mentor.schedule)
        common = tuple(sorted(x for x in mine if x in theirs))
        if common:
            denom = min(len(mine), len(theirs))
            keys.append(("schedule", round(w["schedule"] * len(common) / denom * 100), common))
    if w["subject"] and mentee.subject and mentee.subject == mentor.subject:
        keys.append(("subject", round(w["subject"] * 100), mentee.subject))
    if w["gender"] and mentee.wants_gender and mentee.wants_gender == mentor.gender:
        keys.append(("gender", round(w["gender"] * 100)))
    if w["age"] and mentee.age is not None and mentor.age is not None:
        diff = abs(mentor.age - mentee.age)
        if diff < _AGE_SPAN:
            keys.append(("age", round(w["age"] * (_AGE_SPAN - diff) / _AGE_SPAN * 100), diff))
    keys = [k for k in keys if k[1]]
    total = sum(k[1] for k in keys)
    parts = tuple(ScorePart(k[0], k[1] / 100, _part_text(k)) for k in keys) if explain else ()
    return total, a_c, b_c, mutual_c, parts


def _part_text(key: tuple) -> str:
    """The Russian text of a part from its cache key (see _Problem.explain_many)."""
    code = key[0]
    if code == "request":
        matched, total = key[2], key[3]
        if len(matched) == 1:
            text = f"совпадает запрос {_q(matched)} с компетенцией наставника"
        else:
            text = f"совпадают запросы {_q(matched)} с компетенциями наставника"
        if len(matched) < total:
            text += f" ({len(matched)} из {total})"
        return text
    if code == "preference":
        r, k, r2, k2 = key[2:]
        bits = []
        if r is not None:
            bits.append(f"наставляемый выбрал этого наставника (№ {r + 1} из {k})")
        if r2 is not None:
            bits.append(f"наставник выбрал этого наставляемого (№ {r2 + 1} из {k2})")
        return "; ".join(bits)
    if code == "mutual_first":
        return "взаимный первый выбор"
    if code == "interests":
        return f"общие интересы: {_q(key[2])}"
    if code == "format":
        fe, fm = key[2], key[3]
        if fe and fe == fm:
            return f"совпадает формат встреч: {FORMAT_TEXTS.get(fe, fe)}"
        if fe or fm:
            fmt = fe or fm
            return f"подходящий формат встреч: {FORMAT_TEXTS.get(fmt, fmt)}"
        return "оба готовы к любому формату встреч"
    if code == "schedule":
        return f"совпадает время: {', '.join(key[2])}"
    if code == "subject":
        return f"общий предмет (специальность): «{key[2]}»"
    if code == "gender":
        return "учтено пожелание по полу наставника"
    diff = key[2]
    if diff == 0:
        return "одного возраста"
    return f"близки по возрасту (разница {diff} {_plural(diff, 'год', 'года', 'лет')})"


def score_pair(mentee: Mentee, mentor: Mentor, weights: Weights) -> tuple[float, tuple[ScorePart, ...]]:
    """The score of a pair (hard rules are not checked here) and its non-zero parts, each part
    in [0, weight], with a plain Russian explanation."""
    total, _, _, _, parts = _score_cents(mentee, mentor, _w(weights), True)
    return total / 100, parts


def pair_views(mentee: Mentee, mentor: Mentor, weights: Weights) -> tuple[int, int, int]:
    """(score, mentee's view, mentor's view) in hundredths. A side's view is the score without the
    other side's choice and without the mutual-first bonus — what the stable solver ranks by."""
    total, a_c, b_c, mutual_c, _ = _score_cents(mentee, mentor, _w(weights), False)
    return total, total - b_c - mutual_c, total - a_c - mutual_c


# =========================================================================== the problem

_I32 = np.int32
_I64 = np.int64
_INF = np.iinfo(np.int64).max
_CHUNK = 1 << 21  # candidate pairs scored at a time (bounds the temporaries)
_FLOW_BATCH = 60_000  # arcs per min-cost-flow batch of independent blocks


def _bits(n: int) -> int:
    return max(1, int(n).bit_length())


def _dense_key(values: np.ndarray) -> tuple[np.ndarray, int]:
    """Non-negative int64 keys, lower = better (values: higher = better), and their bit width."""
    if values.size == 0:
        return values.astype(_I64), 1
    top = int(values.max())
    key = top - values.astype(_I64)
    width = _bits(int(key.max()))
    if width > 24:  # huge weights: use ranks, which keep the order and fit
        uniq, inv = np.unique(key, return_inverse=True)
        key = inv.astype(_I64)
        width = _bits(len(uniq))
    return key, width


def _mask_array(masks: list[int], words: int) -> np.ndarray:
    out = np.zeros((len(masks), words), dtype=np.uint64)
    low = (1 << 64) - 1
    for w in range(words):
        out[:, w] = np.array([(x >> (64 * w)) & low for x in masks], dtype=np.uint64)
    return out


def _overlap(a: np.ndarray, b: np.ndarray, ii: np.ndarray, jj: np.ndarray) -> np.ndarray:
    cnt = np.bitwise_count(a[ii, 0] & b[jj, 0]).astype(_I32)
    for w in range(1, a.shape[1]):
        cnt += np.bitwise_count(a[ii, w] & b[jj, w])
    return cnt


_MENTEE_FIELDS = (
    "id", "consent", "org_id", "municipality_id", "age", "grade", "format", "subject", "wants_gender",
    "requests", "interests", "schedule",
)  # fmt: skip
_MENTOR_FIELDS = (
    "id", "consent", "org_id", "municipality_id", "age", "grade", "format", "subject", "gender",
    "competencies", "interests", "schedule",
)  # fmt: skip
_mentee_getter = operator.attrgetter(*_MENTEE_FIELDS)
_mentor_getter = operator.attrgetter(*_MENTOR_FIELDS)


def _unique_rows(cols: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Groups of equal rows over integer columns: (index of each group's first row, group of each row)."""
    widths = [_bits(int(c.max())) if c.size else 1 for c in cols]
    if all(int(c.min(initial=0)) >= 0 for c in cols) and sum(widths) <= 62:
        key = np.zeros(cols[0].size, dtype=_I64)
        for c, w in zip(cols, widths, strict=True):
            key = (key << w) | c.astype(_I64)
    else:
        key = np.zeros(cols[0].size, dtype=_I64)
        for c in cols:
            uniq, inv = np.unique(c, return_inverse=True)
            _, key = np.unique(key * uniq.size + inv.reshape(-1), return_inverse=True)
            key = key.reshape(-1).astype(_I64)
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    return first, inverse.reshape(-1)


def _ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Concatenation of arange(s, s + l) for each (s, l)."""
    lengths = lengths.astype(_I64)
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=_I64)
    offs = np.cumsum(lengths) - lengths
    return np.repeat(starts.astype(_I64) - offs, lengths) + np.arange(total, dtype=_I64)


class _Problem:
    """Everything shared by the solvers of one run: arrays, locks, candidate edges and views."""

    def __init__(self, mentees, mentors, weights: Weights, rules: Rules) -> None:
        t0 = time.perf_counter()
        mentees = sorted(mentees, key=lambda e: e.id)
        mentors = sorted(mentors, key=lambda m: m.id)
        for group, what in ((mentees, "mentee"), (mentors, "mentor")):
            for a, b in itertools.pairwise(group):
                if a.id == b.id:
                    raise ValueError(f"duplicate {what} id {a.id}")
        self.mentees, self.mentors, self.rules = mentees, mentors, rules
        self.weights = weights
        self.w = _w(weights)
        n, m = self.n, self.m = len(mentees), len(mentors)
        self.e_index = {e.id: i for i, e in enumerate(mentees)}
        self.m_index = {t.id: j for j, t in enumerate(mentors)}
        self.errors: list[str] = []
        self.warnings: list[str] = []
        if not n:
            self.errors.append("В подборе нет ни одного наставляемого.")
        if not m:
            self.errors.append("В подборе нет ни одного наставника.")
        if not any(self.w.values()):
            self.warnings.append(
                "Все веса равны нулю: пары подобраны только так, чтобы закрепить как можно больше наставляемых."
            )
        raw = {k: _num(getattr(weights, k)) for k in Weights.__slots__}
        negative = [PART_LABELS[k] for k, v in raw.items() if v < 0]
        if negative:
            self.warnings.append(f"Отрицательные веса считаются нулём: {', '.join(negative)}.")
        big = [PART_LABELS[k] for k, v in raw.items() if v > MAX_WEIGHT]
        if big:
            self.warnings.append(f"Веса больше {MAX_WEIGHT:g} считаются равными {MAX_WEIGHT:g}: {', '.join(big)}.")
        self.cap = np.array([max(0, int(t.capacity)) for t in mentors], dtype=_I64)
        self._arrays()
        self._locks()
        self._edges()
        if n and m and self.E == 0:
            self.warnings.append("Ни одна пара не проходит обязательные условия подбора.")
        self._csr: dict[str, tuple] = {}
        self._part_cache: dict[tuple, ScorePart] = {}
        self.prep_seconds = time.perf_counter() - t0

    # ------------------------------------------------------------------ arrays
    def _arrays(self) -> None:
        E, M, rules = self.mentees, self.mentors, self.rules
        e_cols = dict(zip(_MENTEE_FIELDS, zip(*map(_mentee_getter, E), strict=True) if E else [()] * 99, strict=False))
        m_cols = dict(zip(_MENTOR_FIELDS, zip(*map(_mentor_getter, M), strict=True) if M else [()] * 99, strict=False))
        self.e_consent = np.array(e_cols["consent"], dtype=bool).reshape(-1)
        reasons = [_mentor_reason(t, rules) for t in M]
        self.m_reason = np.array([0 if r is None else _REASON_ORDER.index(r) + 1 for r in reasons], dtype=np.int8)
        self.m_ok = self.m_reason == 0

        def ints(values):
            return np.array(values, dtype=_I64).reshape(-1)

        def known(values):
            return (
                np.array([0 if v is None else v for v in values], dtype=_I64).reshape(-1),
                np.array([v is not None for v in values], dtype=bool).reshape(-1),
            )

        self.e_org, self.m_org = ints(e_cols["org_id"]), ints(m_cols["org_id"])
        self.e_mun, self.m_mun = ints(e_cols["municipality_id"]), ints(m_cols["municipality_id"])
        self.e_age, self.e_age_k = known(e_cols["age"])
        self.m_age, self.m_age_k = known(m_cols["age"])
        self.e_grade, self.e_grade_k = known(e_cols["grade"])
        self.m_grade, self.m_grade_k = known(m_cols["grade"])

        values = {"", "any"}
        for key in ("format", "subject", "wants_gender"):
            values.update(e_cols[key])
        for key in ("format", "subject", "gender"):
            values.update(m_cols[key])
        codes = {v: k for k, v in enumerate(sorted(values - {"", "any"}), start=1)}
        codes[""] = codes["any"] = 0

        def coded(values):
            return np.array([codes[v] for v in values], dtype=_I32).reshape(-1)

        self.e_fmt, self.m_fmt = coded(e_cols["format"]), coded(m_cols["format"])
        self.e_subj, self.m_subj = coded(e_cols["subject"]), coded(m_cols["subject"])
        self.e_wants, self.m_gender = coded(e_cols["wants_gender"]), coded(m_cols["gender"])

        def masks(left, right):
            vocab = sorted({t for x in left for t in x} | {t for x in right for t in x})
            bit = {t: 1 << k for k, t in enumerate(vocab)}
            get = bit.__getitem__
            a = [sum(map(get, x)) for x in left]  # left lists are de-duplicated
            b = [sum(map(get, set(x))) for x in right]
            words = max(1, (len(vocab) + 63) // 64)
            return _mask_array(a, words), _mask_array(b, words), vocab

        self.e_ids = list(e_cols["id"])
        self.m_ids = list(m_cols["id"])
        fromkeys = dict.fromkeys
        req = [tuple(fromkeys(x)) for x in e_cols["requests"]]
        self.e_req, self.m_comp, self.v_req = masks(req, m_cols["competencies"])
        self.e_nreq = np.array([len(x) for x in req], dtype=_I32).reshape(-1)
        e_int = [tuple(fromkeys(x)) for x in e_cols["interests"]]
        m_int = [tuple(fromkeys(x)) for x in m_cols["interests"]]
        self.e_int, self.m_int, self.v_int = masks(e_int, m_int)
        self.e_nint = np.array([len(x) for x in e_int], dtype=_I32).reshape(-1)
        self.m_nint = np.array([len(x) for x in m_int], dtype=_I32).reshape(-1)
        e_sch = [tuple(fromkeys(x)) for x in e_cols["schedule"]]
        m_sch = [tuple(fromkeys(x)) for x in m_cols["schedule"]]
        self.e_sch, self.m_sch, self.v_sch = masks(e_sch, m_sch)
        self.e_nsch = np.array([len(x) for x in e_sch], dtype=_I32).reshape(-1)
        self.m_nsch = np.array([len(x) for x in m_sch], dtype=_I32).reshape(-1)

        # preferences as sorted pair keys i*m + j → half points; first choices for the mutual bonus
        m_count = max(1, self.m)
        wp = self.w["preference"]
        ek, ev, mk, mv = [], [], [], []
        e_first = np.full(self.n, -1, dtype=_I64)
        m_first = np.full(self.m, -1, dtype=_I64)
        for i, e in enumerate(E):
            prefs = _dedup(e.preferences)
            k = len(prefs)
            for r, mid in enumerate(prefs):
                j = self.m_index.get(mid)
                if j is None:
                    continue
                if r == 0:
                    e_first[i] = j
                ek.append(i * m_count + j)
                ev.append((wp * (k - r) / k / 2, r, k))
        for j, t in enumerate(M):
            prefs = _dedup(t.preferences)
            k = len(prefs)
            for r, eid in enumerate(prefs):
                i = self.e_index.get(eid)
                if i is None:
                    continue
                if r == 0:
                    m_first[j] = i
                mk.append(i * m_count + j)
                mv.append((wp * (k - r) / k / 2, r, k))

        def table(keys, rows):
            keys = np.array(keys, dtype=_I64)
            order = np.argsort(keys, kind="stable")
            vals = np.array([x[0] for x in rows], dtype=np.float64).reshape(-1)
            ranks = np.array([x[1:] for x in rows], dtype=_I64).reshape(-1, 2)
            return keys[order], vals[order], ranks[order]

        self.pref_e = table(ek, ev)
        self.pref_m = table(mk, mv)
        mutual = [i * m_count + int(e_first[i]) for i in range(self.n) if e_first[i] >= 0 and m_first[e_first[i]] == i]
        self.mutual_keys = np.array(sorted(mutual), dtype=_I64)
        self.forbidden_keys = np.array(
            sorted(
                self.e_index[a] * m_count + self.m_index[b]
                for a, b in rules.forbidden
                if a in self.e_index and b in self.m_index
            ),
            dtype=_I64,
        )

    # ------------------------------------------------------------------ locks
    def _locks(self) -> None:
        self.assigned_lock = np.full(self.n, -1, dtype=_I64)  # mentee → locked mentor
        self.lock_conflict: dict[int, str] = {}
        left = self.cap.copy()
        for item in self.rules.locked:
            try:
                e_id, m_id = item
            except (TypeError, ValueError):
                self.errors.append(f"Закрепление {item!r} не распознано и не сохранено.")
                continue
            if e_id not in self.e_index or m_id not in self.m_index:
                missing = "наставляемого" if e_id not in self.e_index else "наставника"
                self.errors.append(
                    f"Закрепление пары (наставляемый № {e_id}, наставник № {m_id}) не сохранено: "
                    f"{missing} нет в подборе."
                )
                continue
            i, j = self.e_index[e_id], self.m_index[m_id]
            e, t = self.mentees[i], self.mentors[j]
            if self.assigned_lock[i] >= 0 or i in self.lock_conflict:
                self.errors.append(
                    f"Наставляемый {_who(e)} закреплён повторно (за наставником {_who(t)}): "
                    "оставлено первое закрепление."
                )
                continue
            reason = eligibility(e, t, self.rules)
            if reason is not None:
                self.errors.append(f"Закрепление пары {_who(e)} — {_who(t)} не сохранено: {REASON_TEXTS[reason]}.")
                continue
            if left[j] <= 0:
                cap = int(self.cap[j])
                held = _plural(
                    cap, "закреплённый наставляемый", "закреплённых наставляемых", "закреплённых наставляемых"
                )
                text = (
                    f"закрепление за наставником {_who(t)} не сохранено: у наставника уже {cap} {held} "
                    f"(вместимость {cap})"
                )
                self.errors.append(f"Наставляемый {_who(e)}: {text}.")
                self.lock_conflict[i] = text
                continue
            left[j] -= 1
            self.assigned_lock[i] = j
        self.cap_left = left
        self.is_locked = self.assigned_lock >= 0
        self.solvable = self.e_consent & ~self.is_locked
        for i in self.lock_conflict:
            self.solvable[i] = False

    # ------------------------------------------------------------------ edges
    def _block_ids(self):
        r = self.rules
        if not (r.same_org or r.same_municipality) or not (self.n and self.m):
            return np.zeros(self.n, dtype=_I64), np.zeros(self.m, dtype=_I64)
        cols_e, cols_m = [], []
        if r.same_org:
            cols_e.append(self.e_org)
            cols_m.append(self.m_org)
        if r.same_municipality:
            cols_e.append(self.e_mun)
            cols_m.append(self.m_mun)
        both = np.concatenate([np.stack(cols_e, 1), np.stack(cols_m, 1)])
        _, inv = np.unique(both, axis=0, return_inverse=True)
        inv = inv.reshape(-1).astype(_I64)
        return inv[: self.n], inv[self.n :]

    def _edges(self) -> None:
        n, m = self.n, self.m
        eb, mb = self._block_ids()
        self.e_block, self.m_block = eb, mb
        nblocks = int(max(eb.max(initial=-1), mb.max(initial=-1))) + 1
        cand_e = np.flatnonzero(self.e_consent)
        cand_m = np.flatnonzero(self.m_ok)
        m_sorted = cand_m[np.argsort(mb[cand_m], kind="stable")]
        m_count = np.bincount(mb[cand_m], minlength=nblocks)
        m_start = np.cumsum(m_count) - m_count
        cand_e = cand_e[np.argsort(eb[cand_e], kind="stable")]
        per = m_count[eb[cand_e]] if cand_e.size else np.zeros(0, dtype=_I64)
        parts = {k: [] for k in ("i", "j", "s", "ev", "mv")}
        cum = np.cumsum(per)
        # sparse preference entries → their position in the (unfiltered) candidate list
        e_pos = np.full(n, -1, dtype=_I64)
        e_pos[cand_e] = np.arange(cand_e.size)
        local = np.full(m, -1, dtype=_I64)
        local[m_sorted] = np.arange(m_sorted.size) - m_start[mb[m_sorted]]
        first_q = cum - per

        def placed(keys, values=None):
            if keys.size == 0:
                return np.zeros(0, dtype=_I64), np.zeros(0)
            i, j = keys // max(1, m), keys % max(1, m)
            ok = (e_pos[i] >= 0) & (local[j] >= 0) & (eb[i] == mb[j])
            pos = first_q[e_pos[i[ok]]] + local[j[ok]]
            vals = values[ok] if values is not None else np.zeros(pos.size)
            order = np.argsort(pos, kind="stable")
            return pos[order], vals[order]

        sparse = {
            "a": placed(self.pref_e[0], self.pref_e[1]) if self.w["preference"] else placed(np.zeros(0, _I64)),
            "b": placed(self.pref_m[0], self.pref_m[1]) if self.w["preference"] else placed(np.zeros(0, _I64)),
            "mu": placed(self.mutual_keys) if self.w["mutual_first"] else placed(np.zeros(0, _I64)),
        }
        lo = 0
        while lo < cand_e.size:
            base = int(cum[lo - 1]) if lo else 0
            hi = int(np.searchsorted(cum, base + _CHUNK, side="right"))
            hi = max(hi, lo + 1)
            rows, cnt = cand_e[lo:hi], per[lo:hi]
            lo = hi
            length = int(cnt.sum())
            if length == 0:
                continue
            ii = np.repeat(rows, cnt)
            jj = m_sorted[_ranges(m_start[eb[rows]], cnt)]
            keep = self._hard_filter(ii, jj)
            chunk_pref = {}
            for key, (pos, vals) in sparse.items():
                a, b = np.searchsorted(pos, [base, base + length])
                chunk_pref[key] = (pos[a:b] - base, vals[a:b])
            if not keep.all():
                ii, jj = ii[keep], jj[keep]
                newpos = np.cumsum(keep) - 1
                for key, (pos, vals) in chunk_pref.items():
                    ok = keep[pos]
                    chunk_pref[key] = (newpos[pos[ok]], vals[ok])
            if ii.size == 0:
                continue
            s, ev, mv = self._score(ii, jj, sparse_pref=chunk_pref)
            parts["i"].append(ii.astype(_I32))
            parts["j"].append(jj.astype(_I32))
            parts["s"].append(s)
            parts["ev"].append(ev)
            parts["mv"].append(mv)

        def cat(key, dtype):
            return np.concatenate(parts[key]) if parts[key] else np.zeros(0, dtype=dtype)

        self.ei, self.ej = cat("i", _I32), cat("j", _I32)
        self.es, self.eev, self.emv = cat("s", _I32), cat("ev", _I32), cat("mv", _I32)
        self.E = int(self.ei.size)
        self.e_deg = np.bincount(self.ei, minlength=n) if n else np.zeros(0, dtype=_I64)
        _ = m

    def _hard_filter(self, ii, jj) -> np.ndarray:
        r = self.rules
        keep = np.ones(ii.size, dtype=bool)
        if r.min_age_gap > 0:
            both = self.e_age_k[ii] & self.m_age_k[jj]
            keep &= ~(both & (self.m_age[jj] - self.e_age[ii] < r.min_age_gap))
        if r.min_grade_gap > 0:
            both = self.e_grade_k[ii] & self.m_grade_k[jj]
            keep &= ~(both & (self.m_grade[jj] - self.e_grade[ii] < r.min_grade_gap))
        if self.forbidden_keys.size:
            keys = ii.astype(_I64) * max(1, self.m) + jj
            keep &= ~np.isin(keys, self.forbidden_keys)
        return keep

    def _lookup(self, table, keys, ranks: bool = False):
        tk, tv, tr = table
        if tk.size == 0:
            return (None, None, None) if ranks else (None, None)
        pos = np.searchsorted(tk, keys)
        pos[pos >= tk.size] = tk.size - 1
        hit = tk[pos] == keys
        if ranks:  # (rank, k) of the pair in that side's list, (-1, 0) when not chosen
            return hit, np.where(hit, tr[pos, 0], -1), np.where(hit, tr[pos, 1], 0)
        return hit, np.where(hit, tv[pos], 0.0)

    def _tables(self) -> dict[str, np.ndarray | None]:
        """Cents of the ratio parts for every small (count, size) combination, computed by the very
        expression of the scalar _score_cents: gathering from them is exact and cheap."""
        if hasattr(self, "_tab"):
            return self._tab
        w = self.w
        tab: dict[str, np.ndarray | None] = {}

        def ratio(weight, rows, cols, den):
            if rows * cols > 4_000_000:
                return None
            t = np.zeros((rows, cols), dtype=_I32)
            for c in range(1, rows):
                for d in range(1, cols):
                    t[c, d] = round(weight * c / den(c, d) * 100)
            return t

        R = int(self.e_nreq.max(initial=0)) + 1
        tab["request"] = ratio(w["request"], R, R, lambda c, d: d)  # [matched, requests]
        U = int(self.e_nint.max(initial=0)) + int(self.m_nint.max(initial=0)) + 1
        C = min(int(self.e_nint.max(initial=0)), int(self.m_nint.max(initial=0))) + 1
        tab["interests"] = ratio(w["interests"], C, U, lambda c, d: d)  # [common, union]
        S = max(int(self.e_nsch.max(initial=0)), int(self.m_nsch.max(initial=0))) + 1
        tab["schedule"] = ratio(w["schedule"], S, S, lambda c, d: d)  # [common, smaller list]
        tab["age"] = np.array(
            [round(w["age"] * (_AGE_SPAN - d) / _AGE_SPAN * 100) for d in range(_AGE_SPAN)] + [0], dtype=_I32
        )
        self._tab = tab
        return tab

    def _score(self, ii, jj, collect: dict | None = None, sparse_pref: dict | None = None):
        """Vectorised _score_cents over candidate pairs: (score, mentee view, mentor view) in cents;
        with `collect`, also every part's cents by code. `sparse_pref` gives the preference entries
        already placed on these pairs (positions, values), else they are looked up."""
        w = self.w
        tab = self._tables()
        size = ii.size
        total = np.zeros(size, dtype=_I32)
        a_c = b_c = mutual_c = None

        def add(code, cents):
            nonlocal total
            total += cents
            if collect is not None:
                collect[code] = cents

        if w["request"]:
            cnt = _overlap(self.e_req, self.m_comp, ii, jj)
            nreq = self.e_nreq[ii]
            if tab["request"] is not None:
                add("request", tab["request"][cnt, nreq])
            else:
                add(
                    "request",
                    np.where(cnt > 0, np.rint(w["request"] * cnt / np.maximum(nreq, 1) * 100), 0).astype(_I32),
                )
        if w["preference"] or w["mutual_first"]:
            if sparse_pref is None:
                keys = ii.astype(_I64) * max(1, self.m) + jj
                sparse_pref = {}
                for name, table in (("a", self.pref_e), ("b", self.pref_m)):
                    hit, val = self._lookup(table, keys) if w["preference"] else (None, None)
                    pos = np.flatnonzero(hit) if hit is not None else np.zeros(0, dtype=_I64)
                    sparse_pref[name] = (pos, val[pos] if val is not None else np.zeros(0))
                pos = np.zeros(0, dtype=_I64)
                if w["mutual_first"] and self.mutual_keys.size:
                    at = np.minimum(np.searchsorted(self.mutual_keys, keys), self.mutual_keys.size - 1)
                    pos = np.flatnonzero(self.mutual_keys[at] == keys)
                sparse_pref["mu"] = (pos, np.zeros(pos.size))
            pa, va = sparse_pref["a"]
            pb, vb = sparse_pref["b"]
            if w["preference"] and (pa.size or pb.size):
                at = np.union1d(pa, pb)
                a = np.zeros(at.size)
                b = np.zeros(at.size)
                a[np.searchsorted(at, pa)] = va
                b[np.searchsorted(at, pb)] = vb
                cents = np.zeros(size, dtype=_I32)
                cents[at] = np.rint((a + b) * 100)
                add("preference", cents)
                a_c, b_c = (at, np.rint(a * 100).astype(_I32)), (at, np.rint(b * 100).astype(_I32))
            pm = sparse_pref["mu"][0]
            if w["mutual_first"] and pm.size:
                cents = np.zeros(size, dtype=_I32)
                cents[pm] = round(w["mutual_first"] * 100)
                add("mutual_first", cents)
                mutual_c = (pm, cents[pm])
        if w["interests"]:
            c = _overlap(self.e_int, self.m_int, ii, jj)
            union = self.e_nint[ii] + self.m_nint[jj] - c
            if tab["interests"] is not None:
                add("interests", tab["interests"][c, union])
            else:
                add(
                    "interests",
                    np.where(c > 0, np.rint(w["interests"] * c / np.maximum(union, 1) * 100), 0).astype(_I32),
                )
        if w["format"]:
            fe, fm = self.e_fmt[ii], self.m_fmt[jj]
            add("format", ((fe == 0) | (fm == 0) | (fe == fm)).astype(_I32) * _I32(round(w["format"] * 100)))
        if w["schedule"]:
            c = _overlap(self.e_sch, self.m_sch, ii, jj)
            denom = np.minimum(self.e_nsch[ii], self.m_nsch[jj])
            if tab["schedule"] is not None:
                add("schedule", tab["schedule"][c, denom])
            else:
                add(
                    "schedule", np.where(c > 0, np.rint(w["schedule"] * c / np.maximum(denom, 1) * 100), 0).astype(_I32)
                )
        if w["subject"]:
            se = self.e_subj[ii]
            add("subject", ((se > 0) & (se == self.m_subj[jj])).astype(_I32) * _I32(round(w["subject"] * 100)))
        if w["gender"]:
            ge = self.e_wants[ii]
            add("gender", ((ge > 0) & (ge == self.m_gender[jj])).astype(_I32) * _I32(round(w["gender"] * 100)))
        if w["age"]:
            both = self.e_age_k[ii] & self.m_age_k[jj]
            diff = np.minimum(np.abs(self.m_age[jj] - self.e_age[ii]), _AGE_SPAN)
            add("age", np.where(both, tab["age"][diff], 0).astype(_I32))
        ev = total.copy()
        mv = total.copy()
        if b_c is not None:
            ev[b_c[0]] -= b_c[1]
            mv[a_c[0]] -= a_c[1]
        if mutual_c is not None:
            ev[mutual_c[0]] -= mutual_c[1]
            mv[mutual_c[0]] -= mutual_c[1]
        return total, ev, mv

    # ------------------------------------------------------------------ explanations
    def explain_many(self, ii: np.ndarray, jj: np.ndarray) -> tuple[np.ndarray, list[tuple[ScorePart, ...]]]:
        """(score cents, parts) of many pairs, vectorised: for each part code the pairs are grouped by
        what its text depends on (matched tags as a bit mask, ranks, formats …), one ScorePart is
        made per group and shared; Python only assembles the tuples."""
        if ii.size == 0:
            return np.zeros(0, dtype=_I64), []
        ii, jj = ii.astype(_I64), jj.astype(_I64)
        collect: dict[str, np.ndarray] = {}
        total, _, _ = self._score(ii, jj, collect)
        size = ii.size
        cache = self._part_cache
        total = total.astype(_I64)
        codes = [code for code in PART_LABELS if code in collect and collect[code].any()]
        columns = []
        pattern = np.zeros(size, dtype=_I64)
        for c, code in enumerate(codes):
            values = collect[code]
            nz = np.flatnonzero(values)
            pattern[nz] |= 1 << c
            cents = values[nz].astype(_I64)
            i, j = ii[nz], jj[nz]
            if code in ("request", "interests", "schedule"):
                a, b = {
                    "request": (self.e_req, self.m_comp),
                    "interests": (self.e_int, self.m_int),
                    "schedule": (self.e_sch, self.m_sch),
                }[code]
                both = a[i] & b[j]
                cols = [both[:, w] for w in range(both.shape[1])]
                cols.append(self.e_nreq[i] if code == "request" else cents)
            elif code == "preference":
                keys = i * max(1, self.m) + j
                _, ra, ka = self._lookup(self.pref_e, keys, ranks=True)
                _, rb, kb = self._lookup(self.pref_m, keys, ranks=True)
                none = np.zeros(nz.size, dtype=_I64)
                cols = [  # ranks shifted by one: 0 = not chosen
                    none if ra is None else ra + 1,
                    none if ka is None else ka,
                    none if rb is None else rb + 1,
                    none if kb is None else kb,
                ]
            elif code == "format":
                cols = [self.e_fmt[i], self.m_fmt[j], cents]
            elif code == "subject":
                cols = [self.e_subj[i], cents]
            elif code == "age":
                cols = [np.abs(self.m_age[j] - self.e_age[i]), cents]
            else:
                cols = [cents]
            first, inverse = _unique_rows(cols)
            made = np.empty(first.size, dtype=object)
            for u, k in enumerate(first.tolist()):
                key = self._part_key(code, int(cents[k]), int(i[k]), int(j[k]), [int(col[k]) for col in cols])
                part = cache.get(key)
                if part is None:
                    part = cache[key] = ScorePart(code, key[1] / 100, _part_text(key))
                made[u] = part
            column = np.empty(size, dtype=object)
            column[nz] = made[inverse]
            columns.append(column)
        parts: list = [()] * size
        for pat in np.unique(pattern).tolist():
            if pat == 0:
                continue
            rows = np.flatnonzero(pattern == pat)
            picked = [columns[c][rows].tolist() for c in range(len(codes)) if pat >> c & 1]
            for r, tup in zip(rows.tolist(), zip(*picked, strict=True), strict=True):
                parts[r] = tup
        return total, parts

    def _part_key(self, code: str, cents: int, i: int, j: int, cols: list[int]) -> tuple:
        """The cache key of one part (as the scalar _score_cents builds it) from a representative pair."""
        if code in ("request", "interests", "schedule"):
            vocab = {"request": self.v_req, "interests": self.v_int, "schedule": self.v_sch}[code]
            mask = 0
            for w, word in enumerate(cols[:-1]):
                mask |= (word & ((1 << 64) - 1)) << (64 * w)
            items = tuple(sorted(vocab[b] for b in range(mask.bit_length()) if mask >> b & 1))
            if code == "request":
                return (code, cents, items, int(self.e_nreq[i]))
            return (code, cents, items)
        if code == "preference":
            ra, ka, rb, kb = cols
            return (code, cents, None if ra == 0 else ra - 1, ka, None if rb == 0 else rb - 1, kb)
        if code == "format":
            return (code, cents, _format_code(self.mentees[i].format), _format_code(self.mentors[j].format))
        if code == "subject":
            return (code, cents, self.mentees[i].subject)
        if code == "age":
            return (code, cents, cols[0])
        return (code, cents)

    # ------------------------------------------------------------------ orderings
    def _groups(self):
        """Each mentee's edges are contiguous (as generated) with mentors in id order: the groups,
        and each edge's cell in a matrix padded to the largest degree (if that is compact)."""
        if "groups" not in self._csr:
            ei, E = self.ei, self.E
            gstart = np.concatenate([[0], np.flatnonzero(ei[1:] != ei[:-1]) + 1]).astype(_I64)
            gdeg = np.diff(np.concatenate([gstart, [E]]))
            col = np.arange(E, dtype=_I64) - np.repeat(gstart, gdeg)
            G, D = gstart.size, int(gdeg.max())
            padded = G * D <= 3 * E + 4096
            cell = np.repeat(np.arange(G, dtype=_I64) * D, gdeg) + col if padded else None
            self._csr["groups"] = (gstart, gdeg, ei[gstart].astype(_I64), col, G, D, cell)
        return self._csr["groups"]

    def _row_key(self, values: np.ndarray):
        """Sort key within a mentee's group: higher value first, ties by mentor id (= position)."""
        _, _, _, col, _, D, _ = self._groups()
        ek, ew = _dense_key(values)
        bd = _bits(D)
        if ew + bd <= 31:
            return ((ek.astype(np.int32) << bd) | col.astype(np.int32)), np.int32(np.iinfo(np.int32).max)
        return (ek << bd) | col, _INF

    def _padded(self, key, pad):
        G, D, cell = self._groups()[4:]
        mat = np.full(G * D, pad, dtype=key.dtype)
        mat[cell] = key
        return mat.reshape(G, D)

    def csr(self, kind: str):
        """Edges ordered per mentee, best first: kind "score" (ties by mentor id) or "view"
        (the mentee's own view, ties by mentor id). Returns (order, start, end, mkey) where mkey
        is the mentor-side rank key (lower = better, unique per mentor)."""
        if kind in self._csr:
            return self._csr[kind]
        start = np.zeros(self.n, dtype=_I64)
        end = np.zeros(self.n, dtype=_I64)
        if self.E == 0:
            self._csr[kind] = (np.zeros(0, dtype=_I64), start, end, np.zeros(0, dtype=_I64))
            return self._csr[kind]
        gstart, gdeg, who, _, G, D, cell = self._groups()
        start[who], end[who] = gstart, gstart + gdeg
        key, pad = self._row_key(self.es if kind == "score" else self.eev)
        if cell is not None:
            perm = np.argsort(self._padded(key, pad), axis=1)
            order = (gstart[:, None] + perm)[np.arange(D)[None, :] < gdeg[:, None]]
        else:
            group = np.repeat(np.arange(G, dtype=_I64), gdeg)
            order = np.lexsort((key, group))
        mk, _ = _dense_key(self.es if kind == "score" else self.emv)
        mkey = (mk << _bits(self.n)) | self.ei.astype(_I64)
        self._csr[kind] = (order.astype(_I64), start, end, mkey)
        return self._csr[kind]

    def _top4(self) -> np.ndarray:
        """The 4 best edges of every mentee by score (n × 4, -1 = none)."""
        out = np.full((self.n, 4), -1, dtype=_I64)
        if self.E == 0:
            return out
        if "score" in self._csr:
            order, start, end, _ = self._csr["score"]
            pos = start[:, None] + np.arange(4)[None, :]
            valid = pos < end[:, None]
            return np.where(valid, order[np.where(valid, pos, 0)], -1)
        gstart, _, who, _, G, D, cell = self._groups()
        if cell is None:
            return self.csr("score") and self._top4()
        key, pad = self._row_key(self.es)
        mat = self._padded(key, pad)
        part = np.argpartition(mat, 3, axis=1)[:, :4] if D > 4 else np.broadcast_to(np.arange(D), (G, D))
        keys = np.take_along_axis(mat, part, axis=1)
        srt = np.argsort(keys, axis=1)
        part = np.take_along_axis(part, srt, axis=1)
        valid = np.take_along_axis(keys, srt, axis=1) != pad
        out[who, : part.shape[1]] = np.where(valid, gstart[:, None] + part, -1)
        return out

    # ------------------------------------------------------------------ solvers
    def solve_da(self, kind: str) -> np.ndarray:
        """Mentee-proposing deferred acceptance with capacities; returns the accepted edges.
        With kind="score" both sides rank by the common score: the unique stable matching of
        those preferences is exactly the greedy «best score first» result."""
        if self.E == 0:
            return np.zeros(0, dtype=_I64)
        order, start, end, mkey = self.csr(kind)
        shift = _bits(int(mkey.max()))
        ei, ej = self.ei, self.ej
        cap = np.minimum(self.cap_left, max(1, self.n))  # more places than mentees are never used
        ptr = start.copy()
        slot_start = np.cumsum(cap) - cap
        slots = np.full(int(cap.sum()), -1, dtype=_I64)
        thr = np.full(self.m, _INF, dtype=_I64)  # a full mentor's worst held key
        thr[cap <= 0] = -1
        free = np.flatnonzero(self.solvable & (self.e_deg > 0))
        while True:
            while True:
                free = free[ptr[free] < end[free]]
                if free.size == 0:
                    break
                e = order[ptr[free]]
                hopeless = mkey[e] > thr[ej[e]]
                if not hopeless.any():
                    break
                ptr[free[hopeless]] += 1
            if free.size == 0:
                break
            touched = np.unique(ej[e])
            idx = _ranges(slot_start[touched], cap[touched])
            held = slots[idx]
            cand = np.concatenate([held[held >= 0], e])
            js = ej[cand].astype(_I64)
            fits = shift + _bits(self.m) <= 62  # else (absurd sizes) the slower lexsort
            srt = np.argsort((js << shift) | mkey[cand]) if fits else np.lexsort((mkey[cand], js))
            cand, js = cand[srt], js[srt]
            first = np.searchsorted(js, js, side="left")
            rank = np.arange(cand.size) - first
            keep = rank < cap[js]
            slots[idx] = -1
            slots[slot_start[js[keep]] + rank[keep]] = cand[keep]
            full_at = keep & (rank == cap[js] - 1)
            thr[touched] = _INF
            thr[js[full_at]] = mkey[cand[full_at]]
            rejected = ei[cand[~keep]].astype(_I64)
            ptr[rejected] += 1
            free = rejected
        return slots[slots >= 0]

    def solve_flow(self) -> tuple[np.ndarray, str | None]:
        """Maximum number matched, then maximum total score: a min-cost max-flow per batch of
        independent blocks (organisations / municipalities do not share candidate edges)."""
        use = np.flatnonzero(self.solvable[self.ei] & (self.cap_left[self.ej] > 0))
        if use.size == 0:
            return np.zeros(0, dtype=_I64), None
        blocks = self.e_block[self.ei[use]]
        if blocks.size > 1 and not np.all(blocks[1:] >= blocks[:-1]):  # edges are generated by block
            srt = np.argsort(blocks, kind="stable")
            use, blocks = use[srt], blocks[srt]
        bounds = np.flatnonzero(np.diff(blocks)) + 1
        starts = np.concatenate([[0], bounds])
        ends = np.concatenate([bounds, [use.size]])
        chosen = []
        error = None
        lo = 0
        while lo < starts.size:
            hi = lo + 1
            while hi < starts.size and ends[hi] - starts[lo] <= _FLOW_BATCH:
                hi += 1
            sel = use[starts[lo] : ends[hi - 1]]
            lo = hi
            ok, err = self._flow_batch(sel, min_cost_flow)
            chosen.append(ok)
            error = error or err
        return np.concatenate(chosen), error

    def _flow_batch(self, sel, min_cost_flow):
        ii, jj = self.ei[sel], self.ej[sel]
        ue, inv_e = np.unique(ii, return_inverse=True)
        um, inv_m = np.unique(jj, return_inverse=True)
        ne, nm = ue.size, um.size
        src, snk = ne + nm, ne + nm + 1
        s = self.es[sel].astype(_I64)
        top = int(s.max())
        tails = np.concatenate([inv_e, np.full(ne, src), ne + np.arange(nm)]).astype(_I32)
        heads = np.concatenate([ne + inv_m, np.arange(ne), np.full(nm, snk)]).astype(_I32)
        caps = np.concatenate([np.ones(sel.size + ne, dtype=_I64), np.minimum(self.cap_left[um], ne)])
        costs = np.concatenate([top - s, np.zeros(ne + nm, dtype=_I64)])
        flow = min_cost_flow.SimpleMinCostFlow()
        flow.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
        flow.set_node_supply(src, ne)
        flow.set_node_supply(snk, -ne)
        status = flow.solve_max_flow_with_min_cost()
        if status != flow.OPTIMAL:
            return self._greedy_subset(sel), f"Оптимальный подбор не найден ({status}); использован жадный."
        flows = flow.flows(np.arange(sel.size, dtype=_I32))
        return sel[flows > 0], None

    def _greedy_subset(self, sel):  # pragma: no cover - ortools reports OPTIMAL for these graphs
        order = sel[np.lexsort((self.ej[sel], self.ei[sel], -self.es[sel].astype(_I64)))]
        used_e, left, out = set(), self.cap_left.copy(), []
        for k in order.tolist():
            i, j = int(self.ei[k]), int(self.ej[k])
            if i not in used_e and left[j] > 0:
                used_e.add(i)
                left[j] -= 1
                out.append(k)
        return np.array(out, dtype=_I64)

    # ------------------------------------------------------------------ result
    def explain(self, i: int, j: int) -> tuple[int, tuple[ScorePart, ...]]:
        total, parts = self.explain_many(np.array([i]), np.array([j]))
        return int(total[0]), parts[0]

    def result(self, solver: str, chosen: np.ndarray, seconds: float, extra_error: str | None) -> Result:
        assign = self.assigned_lock.copy()
        if chosen.size:
            assign[self.ei[chosen]] = self.ej[chosen]
        load = np.bincount(assign[assign >= 0], minlength=self.m) if self.m else np.zeros(0, dtype=_I64)
        full = load >= self.cap
        blocking = self._blocking(chosen, load)
        idx = np.flatnonzero(assign >= 0)
        cents, parts = self._explain_assigned(idx, assign[idx])
        e_ids, m_ids, locked = self.e_ids, self.m_ids, self.is_locked[idx].tolist()
        pairs = [
            Pair(e_ids[i], m_ids[j], c / 100, p, lk)
            for i, j, c, p, lk in zip(idx.tolist(), assign[idx].tolist(), cents.tolist(), parts, locked, strict=True)
        ]
        total = int(cents.sum())
        alternatives = self._alternatives(assign, full)
        unmatched = [self._why(i, full) for i in np.flatnonzero(assign < 0).tolist()]
        errors = list(self.errors)
        if extra_error:
            errors.append(extra_error)
        return Result(
            solver=solver,
            pairs=tuple(pairs),
            unmatched=tuple(unmatched),
            alternatives=alternatives,
            matched_count=len(pairs),
            total_score=total / 100,
            blocking_pairs=blocking,
            errors=tuple(errors),
            warnings=tuple(self.warnings),
            seconds=seconds,
        )

    def _blocking(self, chosen: np.ndarray, load: np.ndarray) -> int:
        """Eligible (mentee, mentor) not in the result where the mentee prefers the mentor to its
        own (or is unmatched) and the mentor has a free place or prefers the mentee to its worst
        assigned one; locked pairs cannot be broken, so they never block. By each side's view."""
        if self.E == 0:
            return 0
        own = np.full(self.n, np.iinfo(_I64).min, dtype=_I64)
        worst = np.full(self.m, _INF, dtype=_I64)
        if chosen.size:
            own[self.ei[chosen]] = self.eev[chosen]
            np.minimum.at(worst, self.ej[chosen], self.emv[chosen].astype(_I64))
        free = load < self.cap
        cand = self.solvable[self.ei]
        block = cand & (self.eev > own[self.ei]) & (free[self.ej] | (self.emv > worst[self.ej]))
        return int(np.count_nonzero(block))

    def _explain_assigned(self, idx: np.ndarray, mentor: np.ndarray):
        """explain_many for the result's pairs, reusing the explained top edges where they are."""
        if self.E == 0 or idx.size == 0:
            return self.explain_many(idx, mentor)
        edges, where, info = self._top()
        rows = edges[idx]
        hit = (rows >= 0) & (self.ej[np.maximum(rows, 0)] == mentor[:, None])
        found = hit.any(axis=1)
        slot = where[idx, np.argmax(hit, axis=1)]
        cents = np.zeros(idx.size, dtype=_I64)
        parts: list = [()] * idx.size
        for k, s in zip(np.flatnonzero(found).tolist(), slot[found].tolist(), strict=True):
            _, score, p = info[s]
            cents[k] = round(score * 100)
            parts[k] = p
        rest = np.flatnonzero(~found)
        if rest.size:
            c2, p2 = self.explain_many(idx[rest], mentor[rest])
            cents[rest] = c2
            for k, p in zip(rest.tolist(), p2, strict=True):
                parts[k] = p
        return cents, parts

    def _top(self):
        """The 4 best edges of every mentee (n × 4, -1 = none), explained once per run."""
        if "top" not in self._csr:
            edges = self._top4()
            valid = edges >= 0
            flat = edges[valid]
            cents, parts = self.explain_many(self.ei[flat], self.ej[flat])
            m_ids = self.m_ids
            info = [
                (m_ids[j], c / 100, p) for j, c, p in zip(self.ej[flat].tolist(), cents.tolist(), parts, strict=True)
            ]
            where = np.full(edges.shape, -1, dtype=_I64)
            where[valid] = np.arange(flat.size)
            self._csr["top"] = (edges, where, info)
        return self._csr["top"]

    def _alternatives(self, assign: np.ndarray, full: np.ndarray) -> dict[int, tuple[Alternative, ...]]:
        if self.E == 0:
            return dict.fromkeys(self.e_ids, ())
        edges, where, info = self._top()
        keep = (edges >= 0) & (self.ej[np.maximum(edges, 0)] != assign[:, None])
        keep &= np.cumsum(keep, axis=1) <= 3
        picked = where[keep]
        counts = keep.sum(axis=1)
        full_l = full.tolist()
        mj = self.ej[edges[keep]].tolist()
        flat = [Alternative(*info[k], full_l[j]) for k, j in zip(picked.tolist(), mj, strict=True)]
        ends = np.cumsum(counts).tolist()
        starts = [0, *ends[:-1]]
        return {e_id: tuple(flat[a:b]) for e_id, a, b in zip(self.e_ids, starts, ends, strict=True)}

    def _why(self, i: int, full: np.ndarray) -> Unmatched:
        e = self.mentees[i]
        if i in self.lock_conflict:
            return Unmatched(e.id, "lock_conflict", self.lock_conflict[i])
        if not e.consent:
            return Unmatched(e.id, "no_consent", "нет согласия на обработку персональных данных")
        deg = int(self.e_deg[i])
        if deg:
            return Unmatched(
                e.id,
                "all_full",
                f"все подходящие наставники заняты (подходят: {deg}, свободных мест нет)",
            )
        if not self.m:
            return Unmatched(e.id, "no_eligible_mentor", "в подборе нет ни одного наставника")
        reasons = self._reasons_for(i)
        if np.all(reasons == _REASON_ORDER.index("forbidden") + 1):
            count = reasons.size
            return Unmatched(
                e.id,
                "forbidden_only",
                f"все подходящие наставники ({count}) — в запрещённых парах",
            )
        counts = np.bincount(reasons, minlength=len(_REASON_ORDER) + 1)
        summary = "; ".join(
            f"{REASON_TEXTS[_REASON_ORDER[c - 1]]} — {counts[c]}"
            for c in sorted(range(1, counts.size), key=lambda c: (-counts[c], c))
            if counts[c]
        )
        # nearest: the best-scoring excluded mentors
        jj = np.arange(self.m)
        s, _, _ = self._score(np.full(self.m, i, dtype=_I64), jj)
        near = np.lexsort((jj, -s.astype(_I64)))[:3]
        names = ", ".join(
            f"{_who(self.mentors[j])} ({REASON_TEXTS[_REASON_ORDER[reasons[j] - 1]]})" for j in near.tolist()
        )
        return Unmatched(
            e.id,
            "no_eligible_mentor",
            f"нет подходящего наставника: {summary}. Ближайшие по баллам: {names}",
        )

    def _reasons_for(self, i: int) -> np.ndarray:
        """First violated rule (index in _REASON_ORDER + 1) of mentee i against every mentor."""
        r = self.rules
        code = self.m_reason.astype(np.int64)

        def put(mask, name):
            nonlocal code
            code = np.where((code == 0) & mask, _REASON_ORDER.index(name) + 1, code)

        if r.same_org:
            put(self.m_org != self.e_org[i], "other_org")
        if r.same_municipality:
            put(self.m_mun != self.e_mun[i], "other_municipality")
        if r.min_age_gap > 0 and self.e_age_k[i]:
            put(self.m_age_k & (self.m_age - self.e_age[i] < r.min_age_gap), "age_gap")
        if r.min_grade_gap > 0 and self.e_grade_k[i]:
            put(self.m_grade_k & (self.m_grade - self.e_grade[i] < r.min_grade_gap), "grade_gap")
        if self.forbidden_keys.size:
            keys = i * max(1, self.m) + np.arange(self.m, dtype=_I64)
            put(np.isin(keys, self.forbidden_keys), "forbidden")
        return code


def _num(value) -> float:
    try:
        value = float(value)
    except (TypeError, ValueError, OverflowError):
        return 0.0
    return value if math.isfinite(value) or value > 0 else 0.0


# =========================================================================== public API


def _check_solvers(solvers) -> None:
    for name in solvers:
        if name not in SOLVER_LABELS:
            raise ValueError(f"unknown solver {name!r}; expected one of {sorted(SOLVER_LABELS)}")


def _run(problem: _Problem, solver: str) -> Result:
    t0 = time.perf_counter()
    error = None
    if solver == "optimal":
        chosen, error = problem.solve_flow()
    elif solver == "stable":
        chosen = problem.solve_da("view")
    else:
        chosen = problem.solve_da("score")
    return problem.result(solver, chosen, 0.0, error), time.perf_counter() - t0


def solve(
    mentees: Sequence[Mentee],
    mentors: Sequence[Mentor],
    *,
    weights: Weights = Weights(),
    rules: Rules = Rules(),
    solver: str = "optimal",
) -> Result:
    """Propose pairs with one solver. `seconds` covers the whole call."""
    _check_solvers((solver,))
    t0 = time.perf_counter()
    problem = _Problem(mentees, mentors, weights, rules)
    res, _ = _run(problem, solver)
    return _with_seconds(res, time.perf_counter() - t0)


def compare(
    mentees: Sequence[Mentee],
    mentors: Sequence[Mentor],
    *,
    weights: Weights = Weights(),
    rules: Rules = Rules(),
    solvers: Sequence[str] = ("optimal", "stable", "greedy"),
) -> dict[str, Result]:
    """Several solvers over the same prepared data (candidate edges and explanations are shared).
    Each result's `seconds` is the shared preparation plus its own solver and result building."""
    _check_solvers(solvers)
    problem = _Problem(mentees, mentors, weights, rules)
    out = {}
    for name in dict.fromkeys(solvers):
        res, spent = _run(problem, name)
        out[name] = _with_seconds(res, problem.prep_seconds + spent)
    return out


def _with_seconds(res: Result, seconds: float) -> Result:
    return Result(
        solver=res.solver,
        pairs=res.pairs,
        unmatched=res.unmatched,
        alternatives=res.alternatives,
        matched_count=res.matched_count,
        total_score=res.total_score,
        blocking_pairs=res.blocking_pairs,
        errors=res.errors,
        warnings=res.warnings,
        seconds=seconds,
    )
