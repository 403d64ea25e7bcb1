"""Week 6 — case studies turned into checkable exercises (Working Backwards).

The instructor's key (never released). Four interview cases: a stratified pre-launch sample,
duplicate listings (entity resolution with blocking, scored on a hidden labelled catalogue),
search recall by query rewriting (hidden queries and labels, fixed search), and CSM vs free
trial ROI under a budget. Data comes from the seeded generators in ``key_data.py``; the
visible CSVs beside the notebooks are written by them, hidden data is built at grading time
from ``context.hidden_seed(i)``. Reference answers and recognised wrong variants live in
``key_refs.py``.
"""

from __future__ import annotations

import functools
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from autograder.exercises import context
from autograder.exercises.companions import CompanionExercise, CompanionProbe
from autograder.exercises.function import Case, Mistake, produces
from autograder.exercises.numeric import NumericExercise, Probe, produces_close
from autograder.judges.values import type_name

from . import key_data as data
from . import key_refs as ref

TITLE = "Case studies: Working Backwards"
TOPICS = (
    "stratified pre-launch sample, duplicate listings with blocking, search recall by query "
    "rewriting, CSM vs free trial ROI, press release and FAQ"
)

HERE = Path(__file__).resolve().parent


# ====================================================================== prelaunch_sample

_ALLOCATION_VISIBLE = (
    Case(({"comedy": 50, "drama": 30, "kids": 20}, 10)),
    Case(({("drama", "heavy"): 7, ("drama", "light"): 5, ("kids", "light"): 1}, 6)),
    Case(({"x": 1, "y": 1, "z": 1}, 2)),
    Case(({"a": 3, "b": 4}, 8), raises=ValueError),
)


@functools.cache
def _allocation_hidden() -> tuple[Case, ...]:
    users = data.hidden_population(context.hidden_seed(0))
    sizes = users.groupby(list(data.STRATA)).size()
    strata = {tuple(k): int(v) for k, v in sizes.items()}
    rng = np.random.default_rng(context.hidden_seed(1))
    cases = [
        Case((strata, 10_000), "10,000 users from a hidden population (45 strata)"),
        Case(({"solo": 1, "big": 998, "mid": 501}, 700), "a single-user stratum"),
        Case(({"a": 2, "b": 2, "c": 2, "d": 2}, 5), "four equal remainders, one seat left"),
        Case(({"d": 3, "c": 3, "b": 3, "a": 3}, 6), "ties, keys given in reverse order"),
        Case(({"a": 4, "b": 6}, 10), "n equal to the population"),
        Case(({"a": 4, "b": 6}, 0), "n = 0"),
        Case(({"only": 17}, 9), "a single stratum"),
        Case(({"a": 1, "b": 1, "c": 1, "d": 97}, 3), "three tiny strata against one large one"),
    ]
    for size in (7, 23):
        raw = {f"s{i:02d}": int(v) for i, v in enumerate(rng.integers(1, 400, size=size))}
        cases.append(Case((raw, int(rng.integers(1, sum(raw.values())))), f"{size} random strata"))
    cases += [
        Case(({"a": 3, "b": 4}, -1), "a negative n", raises=ValueError),
        Case(({}, 0), "no strata", raises=ValueError),
        Case(({"a": 3, "b": 0}, 2), "an empty stratum", raises=ValueError),
    ]
    return tuple(cases)


prelaunch_sample_allocation = NumericExercise(
    "prelaunch_sample_allocation",
    name="allocate",
    reference=ref.allocate,
    visible=_ALLOCATION_VISIBLE,
    hidden=_allocation_hidden,
    mistakes=(
        Mistake(
            "your counts add up to less than n: rounding every quota down loses the "
            "fractions. Hand the seats left over to the strata with the largest remainders",
            produces(functools.partial(ref.allocate, rounding="floor")),
        ),
        Mistake(
            "rounding each quota on its own does not make the counts add up to n; round down "
            "first, then give the leftover seats to the largest remainders",
            produces(functools.partial(ref.allocate, rounding="round")),
        ),
        Mistake(
            "on equal remainders the leftover seat goes to the stratum whose key sorts first "
            "(sorted(sizes)), not to the larger stratum or the first one given",
            produces(
                functools.partial(ref.allocate, ties="reversed"),
                also=(
                    functools.partial(ref.allocate, ties="larger"),
                    functools.partial(ref.allocate, ties="insertion"),
                ),
            ),
        ),
    ),
    hints=(
        "Each stratum's exact quota is n * size / total. Start from its whole part; the "
        "whole parts add up to at most n.",
        "The seats still missing go one each to the strata with the largest fractional parts. "
        "Integers keep this exact: the fractional part of n*size/total is ranked by "
        "(n * size) % total.",
        "Sort the strata by (-remainder, key) so ties are settled by key order.",
    ),
)


def _small_users() -> pd.DataFrame:
    users = data.make_users(606, 48)
    return users


_SAMPLE_VISIBLE = (
    Case((_small_users(), 12, 3, ["genre", "device"]), "48 example users, n = 12, seed = 3"),
    Case((_small_users(), 20, 11, ["watch_frequency"]), "48 example users, n = 20, seed = 11"),
    Case((_small_users(), 49, 0, ["genre"]), "more users asked for than exist", raises=ValueError),
)


def _check_sample(users, n, strata, result) -> str | None:
    """Structural problems of a returned sample, in plain words (None when fine)."""
    if type(result) is not pd.DataFrame:
        return f"returned a {type_name(result)}; expected a pandas DataFrame"
    if list(result.columns) != ["user_id", "group"]:
        return f"returned columns {list(result.columns)}; expected ['user_id', 'group']"
    ids = result["user_id"]
    if ids.duplicated().any():
        return "returned some users twice: sample without replacement"
    if len(result) != n:
        short = "fewer" if len(result) < n else "more"
        why = (
            " (rounding every stratum's quota down loses the fractions: hand the leftover "
            "seats to the largest remainders)"
            if len(result) < n
            else ""
        )
        return f"returned {len(result)} users, {short} than n = {n}{why}"
    if not set(ids).issubset(set(users["user_id"])):
        return "returned user ids that are not in the population"
    if set(result["group"]) - {"test", "control"}:
        return "has group values other than 'test' and 'control'"
    merged = users.set_index("user_id").loc[ids.to_numpy()]
    labels = list(zip(*(merged[c].tolist() for c in strata), strict=True))
    got = Counter(labels)
    sizes = Counter(zip(*(users[c].tolist() for c in strata), strict=True))
    quotas = ref.allocate(dict(sizes), n)
    off = [k for k, q in quotas.items() if got.get(k, 0) != q]
    if off:
        return (
            f"has the wrong number of users in {len(off)} of {len(quotas)} strata: each "
            "stratum gets its largest-remainder share of n (a simple random sample of the "
            "whole population does not keep the strata's proportions exactly)"
        )
    groups = (
        result.assign(stratum=labels).groupby(["stratum", "group"]).size().unstack(fill_value=0)
    )
    for column in ("test", "control"):
        if column not in groups:
            groups[column] = 0
    gap = (groups["test"] - groups["control"]).abs()
    if (gap > 1).any():
        return (
            f"splits {int((gap > 1).sum())} strata unevenly: within each stratum test and "
            "control must differ by at most one user"
        )
    return None


def _sample_probe(index: int) -> Probe:
    def run(call):
        users = data.hidden_population(context.hidden_seed(index))
        strata = list(data.STRATA)
        result = call(users, 10_000, 20_240 + index, strata)
        problem = _check_sample(users, 10_000, strata, result)
        if problem:
            return problem
        merged = users.set_index("user_id").loc[result["user_id"].to_numpy()]
        test = (result["group"] == "test").to_numpy()
        for column in ("tenure_months", "hours_30d"):
            value = ref.smd(merged[column].to_numpy()[test], merged[column].to_numpy()[~test])
            if value >= 0.1:
                return (
                    f"gives test and control a standardised mean difference of {value:.2f} in "
                    f"{column} (the limit is 0.1): assign users to groups at random within "
                    "each stratum, not by id or any other column"
                )
        again = call(users, 10_000, 20_240 + index, strata)
        if type(again) is not pd.DataFrame or not again.equals(result):
            return "returned a different sample for the same seed: use only the seed for randomness"
        other = call(users, 10_000, 31_337 + index, strata)
        if type(other) is pd.DataFrame and other.equals(result):
            return "returned the same sample for two different seeds"
        return None

    return Probe("10,000 users from a hidden population: size, strata, balance, seed", run)


@functools.cache
def _sample_hidden() -> tuple:
    whole = data.make_users(context.hidden_seed(3), 300)
    return (
        _sample_probe(2),
        Case(
            (data.hidden_population(context.hidden_seed(2)), 10_000, 77, list(data.STRATA)),
            "10,000 from a hidden population with a single-user stratum: exact sample",
        ),
        Case((whole, 300, 5, ["genre", "device"]), "n equal to the population"),
        Case((whole, 301, 5, ["genre"]), "n larger than the population", raises=ValueError),
    )


prelaunch_sample = NumericExercise(
    "prelaunch_sample",
    name="prelaunch_sample",
    reference=ref.prelaunch_sample,
    visible=_SAMPLE_VISIBLE,
    hidden=_sample_hidden,
    mistakes=(
        Mistake(
            "looks like a simple random sample of the whole population: draw each stratum's "
            "quota from that stratum",
            produces(functools.partial(ref.prelaunch_sample, mode="simple")),
        ),
        Mistake(
            "your sample is smaller than n: rounding each quota down loses the fractions",
            produces(functools.partial(ref.prelaunch_sample, rounding="floor")),
        ),
        Mistake(
            "the groups follow user_id order within each stratum; alternate test/control "
            "in order of the random keys, so the split is random",
            produces(functools.partial(ref.prelaunch_sample, mode="by_id")),
        ),
    ),
    hints=(
        "Draw the keys once, for the whole table in its row order: "
        "np.random.default_rng(seed).random(len(users)). Everything after that is "
        "deterministic.",
        "groupby(strata) gives each stratum's size for allocate(); within a stratum, the users "
        "with the smallest keys are the sample.",
        "Within each stratum, order the chosen users by key and alternate: test, control, "
        "test, ... Then sort the result by user_id and reset the index.",
    ),
)


# ====================================================================== csm_vs_trial


def _segments() -> pd.DataFrame:
    return data.visible_segments()


def _flipped_segments(seed: int) -> pd.DataFrame:
    """The visible table with one segment's numbers changed so its best option flips."""
    base = _segments()
    rng = np.random.default_rng(seed)
    for _ in range(200):
        table = base.copy()
        row = int(rng.integers(len(table)))
        table.loc[row, "trial_lift"] = float(round(rng.uniform(0.05, 0.6), 2))
        table.loc[row, "csm_cost_per_account"] = float(round(rng.uniform(10, 90), 0))
        if ref.best_plan(table, 225_000.0) != ref.best_plan(base, 225_000.0):
            return table
    raise AssertionError("no flip found")


def _plan_budget(table: pd.DataFrame, rng: np.random.Generator) -> float:
    """A budget that binds and where the greedy ROI order or ignoring the budget is wrong."""
    roi = ref.option_roi(table)
    ceiling = float(roi.groupby("segment").cost.max().sum())
    for _ in range(400):
        budget = float(round(rng.uniform(0.1, 0.7) * ceiling, -3))
        plan = ref.best_plan(table, budget)
        if plan != ref.best_plan(table, budget, variant="greedy_roi") and plan != ref.best_plan(
            table, budget, variant="no_budget"
        ):
            return budget
    return float(round(0.4 * ceiling, -3))


@functools.cache
def _plan_tables() -> tuple[tuple[pd.DataFrame, float, str], ...]:
    rng = np.random.default_rng(context.hidden_seed(4))
    tables = [
        (
            _flipped_segments(context.hidden_seed(4)),
            225_000.0,
            "the visible table with one segment changed",
        )
    ]
    for i, size in enumerate((5, 7)):
        table = data.make_segments(context.hidden_seed(5) + i, size)
        tables.append(
            (table, _plan_budget(table, rng), f"{size} hidden segments, a binding budget")
        )
    return tuple(tables)


@functools.cache
def _roi_hidden() -> tuple[Case, ...]:
    cases = [Case((table,), label) for table, _, label in _plan_tables()]
    one = data.make_segments(context.hidden_seed(5) + 9, 1)
    cases.append(Case((one,), "a single segment"))
    return tuple(cases)


@functools.cache
def _plan_hidden() -> tuple[Case, ...]:
    cases = [Case((table, budget), label) for table, budget, label in _plan_tables()]
    table = _plan_tables()[1][0]
    cases += [
        Case((table, 1e12), "a budget that does not bind"),
        Case((table, 0.0), "no budget at all"),
        Case((table, -5.0), "a negative budget", raises=ValueError),
    ]
    return tuple(cases)


csm_vs_trial_roi = NumericExercise(
    "csm_vs_trial_roi",
    name="option_roi",
    reference=ref.option_roi,
    atol=1e-6,
    visible=(Case((_segments(),), "the segments in segments.csv"),),
    hidden=_roi_hidden,
    mistakes=(
        Mistake(
            "the ROI leaves out the cost side: ROI = (value - cost) / cost, the return net of "
            "what you spend",
            produces(functools.partial(ref.option_roi, variant="no_cost"), tol=1e-6),
        ),
        Mistake(
            "the lifts are relative to the baseline conversion rate: extra conversions = "
            "accounts * baseline_conversion * lift",
            produces(functools.partial(ref.option_roi, variant="absolute_lift"), tol=1e-6),
        ),
    ),
    hints=(
        "Two rows per segment, csm first, in the order of the input table.",
        "value = accounts * baseline_conversion * lift * ltv; cost = accounts * "
        "cost_per_account; roi = (value - cost) / cost.",
    ),
)

csm_vs_trial = NumericExercise(
    "csm_vs_trial",
    name="best_plan",
    reference=ref.best_plan,
    visible=(
        Case((_segments(), 225_000.0), "segments.csv, budget 225,000"),
        Case((_segments(), 1e9), "segments.csv, a budget that does not bind"),
        Case((_segments(), 0.0), "segments.csv, budget 0"),
        Case((_segments(), -1.0), "a negative budget", raises=ValueError),
    ),
    hidden=_plan_hidden,
    mistakes=(
        Mistake(
            "this plan costs more than the budget, or ignores it: the chosen options' total "
            "cost must stay within the budget",
            produces(functools.partial(ref.best_plan, variant="no_budget")),
        ),
        Mistake(
            "funding options in order of ROI until the money runs out is a heuristic; the best "
            "plan maximises the total net value (value - cost) within the budget: compare "
            "every combination",
            produces(functools.partial(ref.best_plan, variant="greedy_roi")),
        ),
        Mistake(
            "picking each segment's highest-ROI option ignores the budget and the size of the "
            "return: maximise the total net value within the budget",
            produces(functools.partial(ref.best_plan, variant="best_roi_option")),
        ),
    ),
    hints=(
        "Each segment has three choices: 'csm', 'trial' or 'none' (cost 0, net value 0).",
        "With a handful of segments, itertools.product over the choices tries every plan; "
        "keep the feasible plan with the largest total net value.",
        "On equal total net value keep the cheaper plan.",
    ),
)


# ====================================================================== duplicate listings


def _f1_random(rng: np.random.Generator, items: int) -> tuple:
    ids = list(range(1, items + 1))

    def clustering():
        order = rng.permutation(ids)
        cuts = sorted(
            rng.choice(range(1, items), size=int(rng.integers(1, items // 2)), replace=False)
        )
        return [sorted(int(x) for x in part) for part in np.split(order, cuts)]

    return (clustering(), clustering())


@functools.cache
def _f1_hidden() -> tuple[Case, ...]:
    rng = np.random.default_rng(context.hidden_seed(0) + 6)
    cases = [Case(_f1_random(rng, n), f"random clusterings of {n} items") for n in (12, 40, 200)]
    cases += [
        Case(([[1, 2], [3, 4]], [[1, 2], [3, 4]]), "a perfect prediction"),
        Case(([[1, 2, 3, 4]], [[1], [2], [3], [4]]), "no true pairs"),
        Case(([], [[1, 2]]), "an empty prediction"),
        Case(([[1, 2, 9]], [[1, 2], [3, 4]]), "a predicted id missing from truth"),
        Case(([[3, 1], [2]], [[2, 1, 3]]), "clusters not sorted"),
        Case(([["b", "a"], ["c"]], [["a", "b", "c"]]), "string ids"),
        Case(([[1, 2]], [[1, 2], [2, 3]]), "an id twice in truth", raises=ValueError),
        Case(([[1, 1, 2]], [[1, 2]]), "an id twice in one cluster", raises=ValueError),
    ]
    return tuple(cases)


duplicate_listings_f1 = NumericExercise(
    "duplicate_listings_f1",
    name="pairwise_f1",
    reference=ref.pairwise_f1,
    visible=(
        Case(([[1, 2, 3], [4, 5]], [[1, 2], [3], [4, 5]])),
        Case(([[1], [2], [3]], [[1, 2, 3]])),
        Case(([[10, 20], [30, 40]], [[10, 20, 30], [40]])),
        Case(([[1, 2], [2, 3]], [[1, 2, 3]]), raises=ValueError),
    ),
    hidden=_f1_hidden,
    mistakes=(
        Mistake(
            "precision and recall are swapped: precision divides by the predicted pairs, "
            "recall by the true pairs",
            produces_close(functools.partial(ref.pairwise_f1, over="swapped")),
        ),
        Mistake(
            "count unordered pairs of two different listings: (a, b) and (b, a) are one pair, "
            "and (a, a) is not a pair",
            produces_close(ref._f1_ordered),
        ),
        Mistake(
            "this scores whole clusters; pairwise metrics count the pairs inside clusters",
            produces_close(ref._f1_clusters),
        ),
    ),
    hints=(
        "Turn each clustering into a set of pairs: for every cluster, every unordered pair "
        "of two different ids (itertools.combinations of the sorted ids).",
        "precision = shared pairs / predicted pairs, recall = shared pairs / true pairs; a "
        "zero denominator gives 0.0, and F1 is 0.0 when precision + recall is 0.",
    ),
)


def _pair(listings: dict[int, dict], a: int, b: int) -> tuple:
    return (listings[a], listings[b])


@functools.cache
def _visible_listings() -> dict[int, dict]:
    frame = pd.read_csv(HERE / "listings.csv")
    return {
        int(r.id): {"id": int(r.id), "title": r.title, "brand": r.brand, "price": float(r.price)}
        for r in frame.itertuples(index=False)
    }


def _visible_pairs() -> tuple[Case, ...]:
    # chosen from listings.csv: each shows one way duplicates differ, or one way they don't
    L = _visible_listings()
    picks = (
        (333, 371),  # words reordered, lower case, brand with a suffix
        (303, 272),  # a typo in a product word, the brand's longer name
        (200, 277),  # 1 kg against 1000g, a typo, the brand's longer name
        (13, 358),  # 1l against 1000 ml
        (7, 100),  # the same product in another size: not a duplicate
        (183, 422),  # the same brand and size, another variety: not a duplicate
        (1, 160),  # the same product from another brand: not a duplicate
    )
    return tuple(Case(_pair(L, a, b)) for a, b in picks)


def _ignore_size(a, b):
    return ref.is_duplicate(
        {**a, "title": ref._SIZE.sub(" ", a["title"])},
        {**b, "title": ref._SIZE.sub(" ", b["title"])},
    )


BUDGET_PER_LISTING = 10


def blocking_of(blocks: dict[str, list[int]]):
    """The keys each listing was given, read back from the blocks (no second call)."""
    keys: dict[int, list[str]] = {}
    for key, members in blocks.items():
        for member in members:
            keys.setdefault(member, []).append(key)
    return lambda listing: keys.get(listing["id"], [])


PRECISION_MIN, RECALL_MIN = 0.90, 0.85


def _matching_probe(seed_index: int, n_products: int) -> CompanionProbe:
    def run(calls):
        listings, truth = data.make_catalogue(context.hidden_seed(seed_index), n_products)
        blocking, match = calls["blocking_keys"], calls["is_duplicate"]
        blocks: dict[str, list[int]] = {}
        for listing in listings:
            keys = blocking(listing)
            if type(keys) is not list or not all(type(k) is str for k in keys):
                return f"blocking_keys returned a {type_name(keys)}; expected a list of strings"
            for key in set(keys):
                blocks.setdefault(key, []).append(listing["id"])
        budget = BUDGET_PER_LISTING * len(listings)
        pairs = sum(len(m) * (len(m) - 1) // 2 for m in blocks.values())
        candidates = (
            set() if pairs > 4 * budget else ref.candidate_pairs(listings, blocking_of(blocks))
        )
        if pairs > 4 * budget or len(candidates) > budget:
            shown = f"{len(candidates):,}" if candidates else f"over {4 * budget:,}"
            return (
                f"blocking_keys puts {shown} pairs up for comparison on a catalogue of "
                f"{len(listings):,} listings; the budget is {budget:,} ({BUDGET_PER_LISTING} per "
                "listing). Comparing (nearly) every pair does not scale: give each listing "
                "keys that only likely duplicates share"
            )
        by_id = {x["id"]: x for x in listings}
        matched = []
        for a, b in sorted(candidates):
            verdict = match(by_id[a], by_id[b])
            if type(verdict) is not bool:
                return f"is_duplicate returned a {type_name(verdict)}; expected a bool"
            if verdict:
                matched.append((a, b))
        clusters = ref.components(list(by_id), matched)
        precision, recall, _ = ref.pairwise_f1(clusters, truth)
        true_pairs = ref.pairs_of(truth)
        kept = len(true_pairs & candidates) / len(true_pairs)
        scores = f"pairwise precision {precision:.2f}, recall {recall:.2f}"
        if precision < PRECISION_MIN:
            return (
                f"{scores} on the hidden catalogue: precision is below {PRECISION_MIN:.2f}; "
                "is_duplicate accepts listings that are different products (another size, "
                "variety or brand)"
            )
        if recall < RECALL_MIN:
            if kept < RECALL_MIN:
                why = (
                    f"your blocking keys keep only {kept:.0%} of the true duplicate pairs "
                    "together, so is_duplicate never sees the rest: normalise what the keys "
                    "are built from (brand spellings, size units)"
                )
            else:
                why = (
                    "is_duplicate rejects listings that are the same product written "
                    "differently (typos, word order, brand spellings, size units)"
                )
            return f"{scores} on the hidden catalogue: recall is below {RECALL_MIN:.2f}; {why}"
        return None

    return CompanionProbe(f"a hidden labelled catalogue of about {2 * n_products} listings", run)


@functools.cache
def _matching_hidden() -> tuple:
    return (_matching_probe(1, 420),)


duplicate_listings = CompanionExercise(
    "duplicate_listings",
    name="is_duplicate",
    companions=("blocking_keys",),
    reference=ref.is_duplicate,
    visible=_visible_pairs(),
    hidden=_matching_hidden,
    mistakes=(
        Mistake(
            "an exact title comparison misses near-duplicates (typos, reordered words, other "
            "brand spellings and size formats): compare normalised parts of the listing",
            produces(ref.exact_title),
        ),
        Mistake(
            "these listings differ in size, so they are different products: compare sizes "
            "after converting units (0.5 l = 500 ml, 1 kg = 1000 g)",
            produces(_ignore_size),
        ),
    ),
    hints=(
        "Normalise before comparing: lower-case, strip brand suffixes (Inc., Co., Ltd...), "
        "read the size and convert it to ml or g.",
        "Duplicates share a normalised brand and size, so those make a good blocking key: only "
        "listings in the same block are ever compared.",
        "For the product words, compare word sets while tolerating one-letter typos "
        "(difflib.SequenceMatcher(None, a, b).ratio() is in the standard library).",
    ),
)


# ====================================================================== search recall


@functools.cache
def _products() -> tuple[tuple[int, str], ...]:
    frame = pd.read_csv(HERE / "products.csv")
    return tuple((int(i), str(t)) for i, t in zip(frame.product_id, frame.title, strict=True))


@functools.cache
def _vocabulary() -> list[str]:
    return ref.vocabulary_of([t for _, t in _products()])


RECALL_TARGET, RECALL_GAIN, PRECISION_FLOOR = 0.85, 0.30, 0.80


def _recall_probe(seed_index: int, n_queries: int) -> Probe:
    def run(call):
        products = list(_products())
        vocabulary = _vocabulary()
        queries = data.make_queries(
            context.hidden_seed(seed_index), n_queries, data.make_products()
        )
        base_recall, recalls, hits, returned = [], [], 0, 0
        for text, relevant in queries:
            rewritten = call(text, list(vocabulary))
            if type(rewritten) is not str:
                return f"returned a {type_name(rewritten)}; expected a str"
            found = ref.search(rewritten, products)
            recalls.append(ref.recall_at_k(found, relevant, 10))
            hits += len(set(found) & set(relevant))
            returned += len(found)
            base_recall.append(ref.recall_at_k(ref.search(text, products), relevant, 10))
        recall, baseline = float(np.mean(recalls)), float(np.mean(base_recall))
        precision = hits / returned if returned else 0.0
        scores = (
            f"on {len(queries)} hidden queries: recall@10 {recall:.2f} (without rewriting "
            f"{baseline:.2f}), precision {precision:.2f}"
        )
        if precision < PRECISION_FLOOR:
            return (
                f"fails the precision guardrail {scores}: below {PRECISION_FLOOR:.2f}. A "
                "rewrite that drops or broadens words returns many irrelevant products; keep "
                "every word of the query, rewritten to the catalogue's word"
            )
        if recall < RECALL_TARGET or recall < baseline + RECALL_GAIN:
            return (
                f"does not reach the recall target {scores}: it needs at least "
                f"{RECALL_TARGET:.2f} and {RECALL_GAIN:.2f} above the baseline. Cover synonyms, "
                "plurals, typos and size formats"
            )
        return None

    return Probe(f"{n_queries} hidden queries with hidden relevance labels", run)


@functools.cache
def _rewrite_hidden() -> tuple:
    return (_recall_probe(2, 150),)


def _unchanged(query, vocabulary):
    return query


def _lowered(query, vocabulary):
    return query.lower()


def _empty(query, vocabulary):
    return ""


def _type_only(query, vocabulary):
    words = ref.reference_rewrite(query, vocabulary).split()
    kept = [w for w in words if w in {kind for kind, *_ in data.SEARCH_TYPES}]
    return " ".join(kept or words)


search_recall = NumericExercise(
    "search_recall",
    name="rewrite_query",
    reference=ref.reference_rewrite,
    visible=tuple(
        Case((q, _vocabulary()), f"rewrite_query({q!r}, vocabulary)")
        for q in (
            "OLED Televisions",
            '55" tv',
            "velvet couch",
            "wireles headphones",
            "Norra rucksack",
            "cordless vacuum",
        )
    ),
    hidden=_rewrite_hidden,
    mistakes=(
        Mistake("the query came back unchanged", produces(_unchanged)),
        Mistake(
            "lower-casing alone is not enough: map each word to the catalogue's word",
            produces(_lowered),
        ),
        Mistake(
            "an empty query matches every product: the search would return everything, and "
            "precision collapses",
            produces(_empty),
        ),
        Mistake(
            "you dropped words of the query: the search then returns products the shopper did "
            "not ask for (precision falls); rewrite every word instead",
            produces(_type_only),
        ),
    ),
    hints=(
        "Study queries.csv: for each query whose relevant products the baseline misses, ask "
        "which title word the shopper meant.",
        "Four families of fixes: synonyms (a dict), plurals (drop a final s when the singular "
        "is in the vocabulary), typos (difflib.get_close_matches against the vocabulary), and "
        'sizes (55in, 55", 55-inch -> 55 inch).',
        "The search needs every query word in the title, so a word that is not in the "
        "vocabulary makes the query find nothing: every output word must be a vocabulary word.",
    ),
)


def _recall_cases() -> tuple[Case, ...]:
    return (
        Case(([5, 3, 9, 1], [3, 1, 7], 3)),
        Case(([5, 3, 9, 1], [3, 1, 7], 10)),
        Case(([], [4], 10)),
        Case(([2, 4, 6], [], 3), raises=ValueError),
    )


recall_hidden = (
    Case(([1, 2, 3], [1, 2, 3], 3), "everything relevant retrieved"),
    Case(([9, 8, 7, 1], [1], 3), "the relevant item just past k"),
    Case(([1, 1, 2], [1, 2], 2), "a repeated id in retrieved"),
    Case((list(range(100)), [5, 50, 99, 200], 50), "k = 50"),
    Case((["a", "b"], ["b", "c"], 1), "string ids"),
    Case(([1, 2], [2], 0), "k = 0", raises=ValueError),
    Case(([1, 2], [2], -3), "a negative k", raises=ValueError),
    Case(([3, 5], [], 2), "no relevant item", raises=ValueError),
)

search_recall_at_k = NumericExercise(
    "search_recall_at_k",
    name="recall_at_k",
    reference=ref.recall_at_k,
    visible=_recall_cases(),
    hidden=recall_hidden,
    mistakes=(
        Mistake(
            "that is precision: recall divides by the number of relevant items, not by the "
            "number retrieved",
            produces_close(functools.partial(ref.recall_at_k, over="retrieved")),
        ),
        Mistake(
            "recall divides by the number of relevant items, not by k",
            produces_close(functools.partial(ref.recall_at_k, over="k")),
        ),
        Mistake(
            "only the first k retrieved items count",
            produces_close(functools.partial(ref.recall_at_k, over="uncut")),
        ),
    ),
    hints=(
        "Cut the retrieved list to its first k items, then count how many relevant ids are "
        "among them.",
        "Divide by the number of relevant ids; an empty relevant list, or k < 1, is a ValueError.",
    ),
)


EXERCISES = (
    prelaunch_sample_allocation,
    prelaunch_sample,
    csm_vs_trial_roi,
    csm_vs_trial,
    duplicate_listings_f1,
    duplicate_listings,
    search_recall_at_k,
    search_recall,
)
