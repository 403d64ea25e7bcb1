"""Week 6 reference answers and the wrong variants the checks recognise (instructor-only)."""

from __future__ import annotations

import difflib
import itertools
import re

import numpy as np
import pandas as pd

# ------------------------------------------------------------------------- prelaunch sample


def allocate(sizes, n, *, rounding="largest", ties="sorted"):
    """Largest-remainder proportional allocation (variants: floor, round, other tie orders)."""
    if not sizes:
        raise ValueError("sizes must not be empty")
    if any(type(s) is not int or s < 1 for s in sizes.values()):
        raise ValueError("every stratum size must be a positive int")
    total = sum(sizes.values())
    if not 0 <= n <= total:
        raise ValueError("n must be between 0 and the population size")
    if rounding == "round":
        return {k: int(round(n * s / total)) for k, s in sizes.items()}
    quotas = {k: n * s // total for k, s in sizes.items()}
    if rounding == "floor":
        return quotas
    left = n - sum(quotas.values())
    keys = sorted(sizes) if ties == "sorted" else list(sizes)
    if ties == "reversed":
        keys = sorted(sizes, reverse=True)
    if ties == "larger":
        keys = sorted(sizes, key=lambda k: -sizes[k])
    ranked = sorted(keys, key=lambda k: -((n * sizes[k]) % total))  # stable: ties keep order
    for k in ranked[:left]:
        quotas[k] += 1
    return quotas


def prelaunch_sample(users, n, seed, strata, *, rounding="largest", mode="stratified"):
    """The reference sampler and its recognised wrong variants."""
    strata = list(strata)
    keys = np.random.default_rng(seed).random(len(users))
    frame = pd.DataFrame({"user_id": users["user_id"].to_numpy(), "key": keys})
    labels = list(zip(*(users[c].tolist() for c in strata), strict=True)) if strata else []
    frame["stratum"] = labels
    sizes = frame.groupby("stratum").size()
    quotas = allocate({k: int(v) for k, v in sizes.items()}, n, rounding=rounding)
    if mode == "simple":
        if n > len(users) or n < 0:
            raise ValueError("n must be between 0 and the population size")
        chosen = frame.sort_values("key").head(n).copy()
        chosen["rank"] = np.arange(len(chosen))
    else:
        parts = []
        for stratum, group in frame.groupby("stratum", sort=True):
            take = group.sort_values("key").head(quotas[stratum]).copy()
            if mode == "by_id":
                take = take.sort_values("user_id")
            take["rank"] = np.arange(len(take))
            parts.append(take)
        chosen = pd.concat(parts) if parts else frame.head(0).assign(rank=[])
    chosen["group"] = np.where(chosen["rank"] % 2 == 0, "test", "control")
    if mode == "simple":  # a split by key order over the whole sample
        chosen["group"] = np.where(np.arange(len(chosen)) % 2 == 0, "test", "control")
    out = chosen[["user_id", "group"]].sort_values("user_id").reset_index(drop=True)
    out["user_id"] = out["user_id"].astype("int64")
    out["group"] = out["group"].astype(object)
    return out


def smd(a, b) -> float:
    """Standardised mean difference with the pooled standard deviation."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    pooled = np.sqrt((a.var(ddof=1) + b.var(ddof=1)) / 2)
    return float(abs(a.mean() - b.mean()) / pooled) if pooled > 0 else 0.0


# ------------------------------------------------------------------------- duplicate listings


def pairs_of(clusters) -> set:
    found = set()
    for cluster in clusters:
        for a, b in itertools.combinations(sorted(set(cluster)), 2):
            found.add((a, b))
    return found


def pairwise_f1(predicted, truth, *, over="pairs"):
    """(precision, recall, f1) over unordered pairs in the same cluster."""
    for clusters in (predicted, truth):
        seen = set()
        for cluster in clusters:
            for item in cluster:
                if item in seen:
                    raise ValueError("an item appears in two clusters")
                seen.add(item)
    p, t = pairs_of(predicted), pairs_of(truth)
    hit = len(p & t)
    precision = hit / len(p) if p else 0.0
    recall = hit / len(t) if t else 0.0
    if over == "swapped":
        precision, recall = recall, precision
    f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
    return (float(precision), float(recall), float(f1))


def _f1_ordered(predicted, truth):
    """A variant that counts ordered pairs and pairs of an item with itself."""

    def pairs(clusters):
        return {(a, b) for c in clusters for a in c for b in c}

    p, t = pairs(predicted), pairs(truth)
    hit = len(p & t)
    precision = hit / len(p) if p else 0.0
    recall = hit / len(t) if t else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
    return (float(precision), float(recall), float(f1))


def _f1_clusters(predicted, truth):
    """A variant that scores whole clusters instead of pairs."""
    p = {tuple(sorted(c)) for c in predicted}
    t = {tuple(sorted(c)) for c in truth}
    hit = len(p & t)
    precision = hit / len(p) if p else 0.0
    recall = hit / len(t) if t else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
    return (float(precision), float(recall), float(f1))


_SUFFIXES = {"inc", "co", "ltd", "corp", "brands", "farms", "labs", "foods", "sons", "and"}
_UNITS = {"ml": ("ml", 1), "l": ("ml", 1000), "g": ("g", 1), "kg": ("g", 1000)}
_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*(ml|l|kg|g)\b", re.IGNORECASE)


def brand_key(brand: str) -> str:
    words = re.findall(r"[a-z]+", brand.lower().replace("harbour", "harbor"))
    kept = [w for w in words if w not in _SUFFIXES]
    return "".join(kept[:1]) if kept else ""


def size_key(title: str) -> str:
    found = _SIZE.search(title)
    if not found:
        return ""
    unit, factor = _UNITS[found.group(2).lower()]
    return f"{round(float(found.group(1)) * factor)}{unit}"


def product_words(listing: dict) -> list[str]:
    title = _SIZE.sub(" ", listing["title"].lower())
    brand_words = set(re.findall(r"[a-z]+", listing["brand"].lower())) | {"by", "harbour"}
    return sorted(w for w in re.findall(r"[a-z]+", title) if w not in brand_words)


def _close(a: str, b: str) -> bool:
    return a == b or (
        min(len(a), len(b)) >= 4 and difflib.SequenceMatcher(None, a, b).ratio() >= 0.8
    )


def blocking_keys(listing):
    return [brand_key(listing["brand"]) + "|" + size_key(listing["title"])]


def is_duplicate(a, b):
    if brand_key(a["brand"]) != brand_key(b["brand"]):
        return False
    if size_key(a["title"]) != size_key(b["title"]):
        return False
    wa, wb = product_words(a), product_words(b)
    if len(wa) != len(wb):
        return False
    if not all(any(_close(x, y) for y in wb) for x in wa):
        return False
    if not all(any(_close(x, y) for y in wa) for x in wb):
        return False
    return abs(a["price"] - b["price"]) <= 0.15 * max(a["price"], b["price"])


def exact_title(a, b):
    return a["title"] == b["title"]


def components(ids, pairs) -> list[list[int]]:
    """Clusters: connected components of the matched pairs (singletons included)."""
    parent = {i: i for i in ids}

    def root(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in pairs:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, list[int]] = {}
    for i in ids:
        groups.setdefault(root(i), []).append(i)
    return sorted(sorted(g) for g in groups.values())


def candidate_pairs(listings, keys_of) -> set:
    """Pairs of listing ids sharing at least one blocking key."""
    blocks: dict[str, list[int]] = {}
    for listing in listings:
        keys = keys_of(listing)
        for key in set(keys):
            blocks.setdefault(key, []).append(listing["id"])
    found = set()
    for members in blocks.values():
        for a, b in itertools.combinations(sorted(members), 2):
            found.add((a, b))
    return found


def find_duplicates(listings, keys_of, match):
    by_id = {x["id"]: x for x in listings}
    pairs = candidate_pairs(listings, keys_of)
    matched = [(a, b) for a, b in sorted(pairs) if match(by_id[a], by_id[b])]
    return components([x["id"] for x in listings], matched)


# ------------------------------------------------------------------------- search recall


def search(query, products, k=10):
    """The fixed search: ids of the first k products (by id) whose title has every query word."""
    words = set(re.findall(r"[a-z0-9]+", query.lower()))
    found = []
    for product_id, title in sorted(products):
        if words <= set(re.findall(r"[a-z0-9]+", title.lower())):
            found.append(product_id)
            if len(found) == k:
                break
    return found


def recall_at_k(retrieved, relevant, k, *, over="relevant"):
    """Recall at k; ``over`` names a wrong variant: "retrieved" / "retrieved_all" (precision:
    over the distinct / all first k retrieved), "k", "uncut" (no cut-off), "repeats" (a
    repeated relevant id counts each time), "relevant_all" (over relevant with its repeats)."""
    if type(k) is not int or k < 1:
        raise ValueError("k must be a positive int")
    given = list(relevant)
    relevant = set(given)
    if not relevant:
        raise ValueError("relevant must not be empty")
    top = list(retrieved)[:k] if over != "uncut" else list(retrieved)
    hits = len(set(top) & relevant)
    if over == "retrieved":
        return float(hits / len(set(top))) if top else 0.0
    if over == "retrieved_all":
        return float(sum(x in relevant for x in top) / len(top)) if top else 0.0
    if over == "k":
        return float(hits / k)
    if over == "repeats":
        return float(sum(x in relevant for x in top) / len(relevant))
    if over == "relevant_all":
        return float(hits / len(given))
    return float(hits / len(relevant))


_INCH = re.compile(r'(\d+)\s*(?:-\s*)?(?:inches|inch|in\b|")')


def _singular(word: str, vocabulary: set) -> str:
    if word in vocabulary:
        return word
    if word.endswith("s") and word[:-1] in vocabulary:
        return word[:-1]
    if word.endswith("es") and word[:-2] in vocabulary:
        return word[:-2]
    return word


_REF_SYNONYMS = {
    "tv": "television",
    "telly": "television",
    "couch": "sofa",
    "settee": "sofa",
    "headset": "headphones",
    "earphones": "headphones",
    "notebook": "laptop",
    "fridge": "refrigerator",
    "trainers": "sneakers",
    "runners": "sneakers",
    "rucksack": "backpack",
    "hoover": "vacuum",
    "screen": "monitor",
    "display": "monitor",
    "bed": "mattress",
}


def reference_rewrite(query, vocabulary):
    vocab = set(vocabulary)
    text = _INCH.sub(r"\1 inch ", query.lower())
    out = []
    for word in re.findall(r"[a-z0-9]+", text):
        word = _REF_SYNONYMS.get(word, word)
        word = _singular(word, vocab)
        if word not in vocab and not word.isdigit():
            near = difflib.get_close_matches(word, sorted(vocab), n=1, cutoff=0.75)
            if near:
                word = near[0]
        word = _REF_SYNONYMS.get(word, word)
        out.append(word)
    return " ".join(out)


def vocabulary_of(products) -> list[str]:
    words = set()
    for title in products:
        words |= set(re.findall(r"[a-z0-9]+", title.lower()))
    return sorted(words)


# ------------------------------------------------------------------------- CSM vs free trial

OPTIONS = ("csm", "trial")


def option_roi(segments, *, variant="reference"):
    rows = []
    for row in segments.itertuples(index=False):
        for option in OPTIONS:
            lift = getattr(row, f"{option}_lift")
            cost = float(row.accounts * getattr(row, f"{option}_cost_per_account"))
            if variant == "absolute_lift":
                value = float(row.accounts * lift * row.ltv)
            else:
                value = float(row.accounts * row.baseline_conversion * lift * row.ltv)
            roi = value / cost if variant == "no_cost" else (value - cost) / cost
            rows.append((row.segment, option, cost, value, float(roi)))
    return pd.DataFrame(rows, columns=["segment", "option", "cost", "value", "roi"])


def best_plan(segments, budget, *, variant="reference"):
    if budget < 0:
        raise ValueError("the budget cannot be negative")
    table = option_roi(segments)
    names = list(segments["segment"])
    choices = {name: [("none", 0.0, 0.0)] for name in names}
    for row in table.itertuples(index=False):
        choices[row.segment].append((row.option, row.cost, row.value - row.cost))
    if variant == "no_budget":
        return {
            n: max(choices[n], key=lambda c: (c[2], -c[1]))[0]
            if max(c[2] for c in choices[n]) > 0
            else "none"
            for n in names
        }
    if variant == "greedy_roi":
        plan = {n: "none" for n in names}
        spent = 0.0
        ranked = sorted(
            ((c[2] / c[1], n, c) for n in names for c in choices[n][1:] if c[2] > 0), reverse=True
        )
        for _, n, c in ranked:
            if plan[n] == "none" and spent + c[1] <= budget + 1e-9:
                plan[n] = c[0]
                spent += c[1]
        return plan
    if variant == "best_roi_option":
        plan, spent = {}, 0.0
        for n in names:
            best = max(choices[n][1:], key=lambda c: c[2] / c[1])
            plan[n] = best[0] if best[2] > 0 else "none"
        return plan
    best_key, best = None, None
    for combo in itertools.product(*(choices[n] for n in names)):
        cost = sum(c[1] for c in combo)
        if cost > budget + 1e-9:
            continue
        net = sum(c[2] for c in combo)
        key = (round(net, 6), -round(cost, 6))
        if best_key is None or key > best_key:
            best_key, best = key, combo
    return {n: c[0] for n, c in zip(names, best, strict=True)}
