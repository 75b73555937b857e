"""Benchmark (not a test): the matching engine alone (`nastavnik/matching/engine.py`).

Targets (issue 6): 300 mentees × 60 mentors ≤ 0.05 s; 5,000 × 1,000 ≤ 0.5 s; 100,000 × 20,000 with
~100 candidate mentors per mentee ≤ 15 s and ≤ 2.5 GB peak RSS. Run:

    .venv/bin/python benchmarks/bench_matching.py            # all three sizes
    .venv/bin/python benchmarks/bench_matching.py --sizes small medium

Each size runs in its own subprocess (so ru_maxrss is that size's peak, instance generation included).
Instances are generated deterministically (fixed seed):
- small:  300 × 60, one school, no restriction (every pair is a candidate);
- medium: 5,000 × 1,000 in 25 schools of a municipality, same_org=True (40 candidates per mentee);
- large:  100,000 × 20,000 in 200 municipalities, same_municipality=True (~100 candidates per mentee).
Tags (requests/competencies, interests) come from a vocabulary of 40, schedules from 14 slots,
capacities 1–9, about a third of each side fills the preference questionnaire, a few locks and
forbidden pairs, 2 % without consent, 3 % of mentors not trained.

Printed for each size: candidate edges; per solver: seconds of a separate `solve()` call (all work:
preparation, solver, explanations), matched count, total score, blocking pairs; the time of one
`compare()` with all three solvers; peak RSS. For small and medium, the independent optimum of
scipy's `min_weight_full_bipartite_matching` on the slot-expanded graph (each mentor repeated
`capacity` times, plus one dummy «unmatched» column per mentee whose cost makes cardinality come
first): whether the optimal solver's total equals it, and the gap of greedy and stable.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SIZES = {
    # name: (mentees, mentors, blocks, rule)
    "small": (300, 60, 1, None),
    "medium": (5_000, 1_000, 25, "same_org"),
    "large": (100_000, 20_000, 200, "same_municipality"),
}
TARGET = {"small": 0.05, "medium": 0.5, "large": 15.0}
VOCAB = [
    "подготовка к олимпиаде", "профориентация", "адаптация в коллективе", "проектная деятельность",
    "математика", "физика", "химия", "биология", "информатика", "программирование", "робототехника",
    "русский язык", "литература", "история", "обществознание", "английский язык", "экономика",
    "финансовая грамотность", "волонтёрство", "спорт", "шахматы", "музыка", "театр", "рисование",
    "фотография", "журналистика", "экология", "краеведение", "лидерство", "публичные выступления",
    "тайм-менеджмент", "подготовка к ЕГЭ", "подготовка к ОГЭ", "исследовательская работа",
    "стартапы", "дизайн", "3D-моделирование", "медицина", "право", "психология",
]  # fmt: skip
SLOTS = [f"{d}-{p}" for d in ("пн", "вт", "ср", "чт", "пт", "сб", "вс") for p in ("день", "вечер")]
SUBJECTS = VOCAB[4:17]


def say(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def build(name: str, seed: int = 20260901):
    import numpy as np

    from nastavnik.matching.engine import Mentee, Mentor, Rules

    n, m, blocks, rule = SIZES[name]
    rng = np.random.default_rng(seed)
    vocab = np.array(VOCAB, dtype=object)
    slots = np.array(SLOTS, dtype=object)

    def tags(count, lo, hi, pool):
        sizes = rng.integers(lo, hi + 1, count)
        picks = rng.random((count, len(pool))).argsort(axis=1)
        return [tuple(pool[picks[k, : sizes[k]]]) for k in range(count)]

    e_block = np.sort(rng.integers(0, blocks, n))
    m_block = np.sort(np.concatenate([np.arange(blocks), rng.integers(0, blocks, m - blocks)]))
    first_mentor = np.searchsorted(m_block, np.arange(blocks))
    per_block = np.bincount(m_block, minlength=blocks)
    first_mentee = np.searchsorted(e_block, np.arange(blocks))
    per_block_e = np.bincount(e_block, minlength=blocks)
    e_req, e_int, e_sch = tags(n, 1, 3, vocab), tags(n, 1, 4, vocab), tags(n, 0, 4, slots)
    m_comp, m_int, m_sch = tags(m, 3, 8, vocab), tags(m, 1, 4, vocab), tags(m, 0, 6, slots)
    formats = np.array(["any", "in_person", "remote"], dtype=object)
    e_fmt = formats[rng.choice(3, n, p=[0.6, 0.3, 0.1])]
    m_fmt = formats[rng.choice(3, m, p=[0.6, 0.3, 0.1])]
    e_subj = rng.integers(0, len(SUBJECTS) + 4, n)
    m_subj = rng.integers(0, len(SUBJECTS) + 4, m)
    e_age = rng.integers(11, 18, n)
    m_age = rng.integers(16, 60, m)
    e_cons = rng.random(n) > 0.02
    m_trained = rng.random(m) > 0.03
    m_cap = rng.integers(1, 10, m)
    gender = np.array(["m", "f"], dtype=object)
    mentees, mentors = [], []
    for i in range(n):
        b = e_block[i]
        prefs = ()
        if rng.random() < 0.35 and per_block[b]:
            k = min(3, per_block[b])
            prefs = tuple(int(100_000_000 + x) for x in first_mentor[b] + rng.choice(per_block[b], k, replace=False))
        s = e_subj[i]
        mentees.append(
            Mentee(
                id=i + 1, label=f"Наставляемый {i + 1}", org_id=int(b) + 1, municipality_id=int(b) + 1,
                age=int(e_age[i]), grade=int(e_age[i]) - 6, gender=str(gender[i % 2]), requests=e_req[i],
                interests=e_int[i], format=str(e_fmt[i]), schedule=e_sch[i],
                subject=SUBJECTS[s] if s < len(SUBJECTS) else "", preferences=prefs, consent=bool(e_cons[i]),
                wants_gender=str(gender[(i // 2) % 2]) if i % 7 == 0 else "",
            )
        )  # fmt: skip
    for j in range(m):
        b = m_block[j]
        prefs = ()
        if rng.random() < 0.35 and per_block_e[b]:
            k = min(5, per_block_e[b])
            prefs = tuple(int(1 + x) for x in first_mentee[b] + rng.choice(per_block_e[b], k, replace=False))
        s = m_subj[j]
        mentors.append(
            Mentor(
                id=100_000_000 + j, label=f"Наставник {j + 1}", org_id=int(b) + 1, municipality_id=int(b) + 1,
                age=int(m_age[j]), grade=int(m_age[j]) - 6, gender=str(gender[(j // 3) % 2]),
                competencies=m_comp[j], interests=m_int[j], format=str(m_fmt[j]), schedule=m_sch[j],
                subject=SUBJECTS[s] if s < len(SUBJECTS) else "", capacity=int(m_cap[j]),
                preferences=prefs, trained=bool(m_trained[j]),
            )
        )  # fmt: skip
    # a few locks (first mentee of a block with the block's first mentor) and forbidden pairs
    locked = tuple((int(first_mentee[b]) + 1, int(first_mentor[b]) + 100_000_000) for b in range(0, blocks, 5)
                   if per_block_e[b])  # fmt: skip
    forbidden = frozenset(
        (int(first_mentee[b]) + 2, int(first_mentor[b]) + 100_000_001)
        for b in range(blocks)
        if per_block_e[b] > 1 and per_block[b] > 1
    )
    kwargs = {"min_age_gap": 2, "locked": locked, "forbidden": forbidden}
    if rule:
        kwargs[rule] = True
    return mentees, mentors, Rules(**kwargs)


def reference_optimum(mentees, mentors, rules, weights):
    """Independent optimum (count first, then total) by scipy's LAPJVsp on the slot-expanded graph."""
    import numpy as np
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import min_weight_full_bipartite_matching

    from nastavnik.matching.engine import _Problem

    p = _Problem(mentees, mentors, weights, rules)
    use = p.solvable[p.ei] & (p.cap_left[p.ej] > 0)
    ei, ej, s = p.ei[use].astype(np.int64), p.ej[use].astype(np.int64), p.es[use].astype(np.int64)
    locked_total = 0
    for i in np.flatnonzero(p.is_locked):
        locked_total += p.explain(int(i), int(p.assigned_lock[i]))[0]
    cap = p.cap_left
    slot_start = np.cumsum(cap) - cap
    rows_e = np.unique(ei)
    row_of = np.full(p.n, -1)
    row_of[rows_e] = np.arange(rows_e.size)
    nslots = int(cap.sum())
    reps = cap[ej]
    r = np.repeat(row_of[ei], reps)
    offs = np.arange(int(reps.sum())) - np.repeat(np.cumsum(reps) - reps, reps)
    c = np.repeat(slot_start[ej], reps) + offs
    big = int(s.max(initial=0)) + 1
    w = np.repeat(big - s, reps).astype(np.float64) + 1.0  # every real edge < the dummy cost
    dummy = float(big * (rows_e.size + 1) + 1)  # leaving a mentee unmatched never pays off
    r = np.concatenate([r, np.arange(rows_e.size)])
    c = np.concatenate([c, nslots + np.arange(rows_e.size)])
    w = np.concatenate([w, np.full(rows_e.size, dummy)])
    graph = csr_matrix((w, (r, c)), shape=(rows_e.size, nslots + rows_e.size))
    _, col = min_weight_full_bipartite_matching(graph)
    real = col < nslots
    slot_mentor = np.repeat(np.arange(p.m), cap)
    score = {}
    key = ei * p.m + ej
    order = np.argsort(key)
    matched_rows = np.flatnonzero(real)
    keys = rows_e[matched_rows] * p.m + slot_mentor[col[matched_rows]]
    pos = order[np.searchsorted(key, keys, sorter=order)]
    total = int(s[pos].sum()) + locked_total
    score["count"] = int(real.sum()) + int(p.is_locked.sum())
    score["total"] = total / 100
    return score


def run_size(name: str) -> dict:
    from nastavnik.matching.engine import Weights, _Problem, compare, solve

    mentees, mentors, rules = build(name)
    weights = Weights(gender=1.0, age=0.5)
    compare(mentees[:50], mentors[:10], weights=weights)  # warm-up: numpy's and ortools' first-call costs
    out = {"name": name, "n": len(mentees), "m": len(mentors)}
    t0 = time.perf_counter()
    problem = _Problem(mentees, mentors, weights, rules)
    out["prep"] = time.perf_counter() - t0
    out["edges"] = problem.E
    del problem
    for solver in ("optimal", "stable", "greedy"):
        cpu = time.process_time()
        res = solve(mentees, mentors, weights=weights, rules=rules, solver=solver)
        out[solver] = {
            "seconds": res.seconds,
            "cpu": time.process_time() - cpu,
            "matched": res.matched_count,
            "total": res.total_score,
            "blocking": res.blocking_pairs,
            "unmatched": len(res.unmatched),
        }
        del res
    t0 = time.perf_counter()
    both = compare(mentees, mentors, weights=weights, rules=rules)
    out["compare"] = time.perf_counter() - t0
    assert all(both[k].total_score == out[k]["total"] for k in both)  # same input → same output
    del both
    if name in ("small", "medium"):
        t0 = time.perf_counter()
        out["reference"] = reference_optimum(mentees, mentors, rules, weights)
        out["reference_seconds"] = time.perf_counter() - t0
    out["load"] = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"
    out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def report(r: dict) -> None:
    say(f"== {r['name']}: {r['n']:,} наставляемых × {r['m']:,} наставников".replace(",", " "))
    say(f"   кандидатных пар (рёбер): {r['edges']:,}; подготовка (рёбра и баллы): {r['prep']:.3f} с".replace(",", " "))
    target = TARGET[r["name"]]
    for solver in ("optimal", "stable", "greedy"):
        x = r[solver]
        flag = "OK" if x["seconds"] <= target else "СВЕРХ ЦЕЛИ"
        say(
            f"   {solver:8s} {x['seconds']:7.3f} с (ЦП {x['cpu']:.3f} с) [{flag} ≤ {target} с]  "
            f"подобрано {x['matched']:>7}  "
            f"сумма баллов {x['total']:>12.2f}  блокирующих пар {x['blocking']:>7}  без пары {x['unmatched']}"
        )
    say(f"   compare() всех трёх (общая подготовка): {r['compare']:.3f} с; загрузка машины (loadavg): {r['load']}")
    if "reference" in r:
        ref = r["reference"]
        opt = r["optimal"]
        equal = ref["count"] == opt["matched"] and abs(ref["total"] - opt["total"]) < 1e-6
        say(
            f"   эталон scipy min_weight_full_bipartite_matching ({r['reference_seconds']:.2f} с): "
            f"подобрано {ref['count']}, сумма {ref['total']:.2f} — "
            f"{'совпадает с optimal' if equal else 'НЕ СОВПАДАЕТ с optimal'}"
        )
        for solver in ("greedy", "stable"):
            x = r[solver]
            gap = 100.0 * (ref["total"] - x["total"]) / ref["total"] if ref["total"] else 0.0
            say(f"   разрыв {solver}: {gap:.2f} % по сумме баллов, подобрано на {ref['count'] - x['matched']} меньше")
    say(f"   пиковая память процесса (ru_maxrss): {r['rss_mb']:.0f} МБ [{'OK' if r['rss_mb'] <= 2560 else 'СВЕРХ'}]")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="*", default=list(SIZES), choices=list(SIZES))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        sys.stdout.write(json.dumps(run_size(args.child)) + "\n")
        return
    for name in args.sizes:
        proc = subprocess.run([sys.executable, __file__, "--child", name], capture_output=True, text=True, check=False)
        if proc.returncode:
            say(f"== {name}: ошибка\n{proc.stderr}")
            continue
        report(json.loads(proc.stdout.strip().splitlines()[-1]))


if __name__ == "__main__":
    main()
