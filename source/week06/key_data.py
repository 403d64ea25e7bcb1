"""Week 6 course data: seeded generators for the four cases (instructor-only, never released).

The visible CSV files beside the notebooks are written by :func:`write_visible` from the
fixed seeds below; hidden data (labelled catalogues, queries and labels, segment tables,
populations) is built by the same generators from ``context.hidden_seed(i)`` at grading time.
Run ``python source/week06/key_data.py`` to rewrite the CSVs.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent

# ------------------------------------------------------------------------------ users

GENRES = ("action", "comedy", "documentary", "drama", "kids")
FREQUENCIES = ("light", "regular", "heavy")
DEVICES = ("mobile", "tv", "web")
# "NAM", not "NA": pandas reads the string NA as a missing value
REGIONS = ("APAC", "EU", "LATAM", "NAM")
STRATA = ("genre", "watch_frequency", "device")


def make_users(seed: int, n_users: int) -> pd.DataFrame:
    """A user table: strata columns, region, tenure (older users have lower ids), hours."""
    rng = np.random.default_rng(seed)
    genre = rng.choice(GENRES, size=n_users, p=[0.26, 0.22, 0.08, 0.30, 0.14])
    frequency = rng.choice(FREQUENCIES, size=n_users, p=[0.45, 0.38, 0.17])
    device = rng.choice(DEVICES, size=n_users, p=[0.42, 0.46, 0.12])
    region = rng.choice(REGIONS, size=n_users, p=[0.22, 0.30, 0.13, 0.35])
    tenure = (rng.gamma(2.0, 14.0, size=n_users)).astype(int) + 1
    scale = {"light": 2.5, "regular": 6.0, "heavy": 14.0}
    hours = np.array([rng.gamma(2.5, scale[f]) for f in frequency]).round(1)
    frame = pd.DataFrame(
        {
            "genre": genre,
            "watch_frequency": frequency,
            "device": device,
            "region": region,
            "tenure_months": tenure.astype("int64"),
            "hours_30d": hours,
        }
    )
    # ids follow sign-up order: the longest-tenured users have the smallest ids
    frame = frame.sort_values("tenure_months", ascending=False, kind="stable")
    frame.insert(0, "user_id", np.arange(100_001, 100_001 + n_users, dtype="int64"))
    order = rng.permutation(n_users)  # the table itself is not sorted
    return frame.iloc[order].reset_index(drop=True)


def hidden_population(seed: int, n_users: int = 14_000) -> pd.DataFrame:
    """A hidden population with a single-user stratum and a two-user stratum."""
    users = make_users(seed, n_users)
    single = (
        (users.genre == "documentary")
        & (users.watch_frequency == "heavy")
        & (users.device == "web")
    )
    pair = (users.genre == "kids") & (users.watch_frequency == "heavy") & (users.device == "web")
    keep = ~(single | pair)
    keep[single[single].index[:1]] = True
    keep[pair[pair].index[:2]] = True
    users = users[keep].reset_index(drop=True)
    assert (single[keep]).sum() == 1 and (pair[keep]).sum() == 2
    return users


# ------------------------------------------------------------------------------ listings

BRANDS = (
    ("Acme", ("Acme", "ACME", "Acme Inc.")),
    ("Northwind", ("Northwind", "NorthWind", "Northwind Co.")),
    ("Bluebell", ("Bluebell", "BlueBell", "Bluebell Ltd")),
    ("Greenfield", ("Greenfield", "GreenField", "Greenfield Farms")),
    ("Orchid", ("Orchid", "ORCHID", "Orchid Corp.")),
    ("Summit", ("Summit", "SUMMIT", "Summit Brands")),
    ("Harbor", ("Harbor", "Harbour", "Harbor Co.")),
    ("Maple", ("Maple", "MAPLE", "Maple & Co.")),
    ("Pinecrest", ("Pinecrest", "PineCrest", "Pinecrest Inc.")),
    ("Riverstone", ("Riverstone", "RiverStone", "Riverstone Ltd")),
    ("Sunny", ("Sunny", "SUNNY", "Sunny Co.")),
    ("Valley", ("Valley", "VALLEY", "Valley Foods")),
    ("Willow", ("Willow", "WILLOW", "Willow & Sons")),
    ("Zenith", ("Zenith", "ZENITH", "Zenith Inc.")),
    ("Cobalt", ("Cobalt", "COBALT", "Cobalt Labs")),
    ("Everest", ("Everest", "EVEREST", "Everest Co.")),
)
# product type, unit family, sizes (in ml or g), descriptors, typical price per 1000 units
PRODUCTS = (
    (
        "shampoo",
        "ml",
        (250, 400, 500, 1000),
        ("herbal", "sensitive", "volume", "anti dandruff"),
        18,
    ),
    ("olive oil", "ml", (500, 750, 1000), ("extra virgin", "light", "organic"), 14),
    ("dish soap", "ml", (450, 750, 1000), ("lemon", "unscented", "ultra"), 6),
    ("coffee beans", "g", (250, 500, 1000), ("dark roast", "medium roast", "decaf"), 30),
    ("peanut butter", "g", (340, 500, 1000), ("crunchy", "smooth", "organic"), 11),
    ("dog food", "g", (2000, 5000, 10000), ("chicken", "lamb", "grain free"), 5),
    ("laundry detergent", "ml", (1000, 2000, 3000), ("fresh", "sensitive", "color"), 7),
    ("green tea", "g", (100, 250, 500), ("jasmine", "mint", "sencha"), 40),
    ("rolled oats", "g", (500, 1000, 2000), ("organic", "gluten free", "quick"), 4),
    ("hand soap", "ml", (250, 500, 1000), ("lavender", "aloe", "unscented"), 12),
)


def size_text(amount: int, unit: str, rng: np.random.Generator) -> str:
    """A size written one of the ways sellers write it (500 ml, 500ml, 0.5 l, 1 kg...)."""
    big = {"ml": "l", "g": "kg"}[unit]
    styles = ["{a} {u}", "{a}{u}", "{a} {U}"]
    if amount >= 1000 or amount in (250, 500, 750):
        styles += ["{b} {v}", "{b}{v}"]
    style = styles[int(rng.integers(len(styles)))]
    value = amount / 1000
    b = f"{value:g}"
    return style.format(a=amount, u=unit, U=unit.upper() if unit == "ml" else "G", b=b, v=big)


def _typo(word: str, rng: np.random.Generator) -> str:
    if len(word) < 5 or not word.isalpha():
        return word
    i = int(rng.integers(1, len(word) - 1))
    kind = int(rng.integers(3))
    if kind == 0:  # drop a letter
        return word[:i] + word[i + 1 :]
    if kind == 1:  # double a letter
        return word[:i] + word[i] + word[i:]
    return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]  # swap two letters


def _listing_title(brand_variant, descriptor, kind, size, rng, *, noisy: bool) -> str:
    words = descriptor.split() + kind.split()
    if noisy and rng.random() < 0.35:  # one typo in a product word
        j = int(rng.integers(len(words)))
        words[j] = _typo(words[j], rng)
    name = " ".join(w.capitalize() for w in words)
    layout = int(rng.integers(4)) if noisy else 0
    if layout == 0:
        title = f"{brand_variant} {name} {size}"
    elif layout == 1:
        title = f"{name} {size} - {brand_variant}"
    elif layout == 2:
        title = f"{brand_variant} {' '.join(reversed(name.split()))}, {size}"
    else:
        title = f"{name} by {brand_variant}, {size}"
    if noisy and rng.random() < 0.2:
        title = title.lower()
    return title


def make_catalogue(seed: int, n_products: int) -> tuple[list[dict], list[list[int]]]:
    """Listings (dicts: id, title, brand, price) and the true clusters (lists of ids).

    Base products are drawn so that near neighbours exist: the same product in another size
    or descriptor, or another brand. Each base product has 1 to 4 listings.
    """
    rng = np.random.default_rng(seed)
    bases = set()
    while len(bases) < n_products:
        b = int(rng.integers(len(BRANDS)))
        p = int(rng.integers(len(PRODUCTS)))
        kind, unit, sizes, descriptors, _ = PRODUCTS[p]
        bases.add(
            (
                b,
                p,
                descriptors[int(rng.integers(len(descriptors)))],
                sizes[int(rng.integers(len(sizes)))],
            )
        )
    bases = sorted(bases)
    order = rng.permutation(len(bases))
    listings, clusters = [], []
    for index in order:
        b, p, descriptor, amount = bases[index]
        canonical, variants = BRANDS[b]
        kind, unit, _, _, price_per_1000 = PRODUCTS[p]
        base_price = price_per_1000 * (amount / 1000) ** 0.85 * rng.uniform(0.8, 1.25)
        copies = int(rng.choice([1, 2, 3, 4], p=[0.35, 0.35, 0.2, 0.1]))
        cluster = []
        for c in range(copies):
            variant = variants[0] if c == 0 else variants[int(rng.integers(len(variants)))]
            size = size_text(amount, unit, rng)
            title = _listing_title(variant, descriptor, kind, size, rng, noisy=c > 0)
            price = round(base_price * rng.uniform(0.95, 1.05), 2)
            cluster.append({"title": title, "brand": variant, "price": float(price)})
        clusters.append(cluster)
    flat = [(ci, item) for ci, cluster in enumerate(clusters) for item in cluster]
    shuffle = rng.permutation(len(flat))
    truth: list[list[int]] = [[] for _ in clusters]
    for new_id, position in enumerate(shuffle, start=1):
        ci, item = flat[position]
        listings.append({"id": new_id, **item})
        truth[ci].append(new_id)
    return listings, [sorted(t) for t in truth]


# ------------------------------------------------------------------------------ search

SEARCH_BRANDS = ("Lumo", "Vale", "Oakhaus", "Kestrel", "Norra", "Pivot", "Quill", "Tessa")
# product type as titles write it, the words shoppers use instead, attributes
SEARCH_TYPES = (
    ("television", ("tv", "telly"), ("4k", "oled", "smart"), ("43", "55", "65")),
    ("sofa", ("couch", "settee"), ("leather", "velvet", "corner"), ()),
    ("headphones", ("headset", "earphones"), ("wireless", "noise cancelling", "sport"), ()),
    ("laptop", ("notebook",), ("gaming", "ultralight", "touchscreen"), ("13", "15")),
    ("refrigerator", ("fridge",), ("stainless", "compact", "french door"), ()),
    ("sneakers", ("trainers", "runners"), ("running", "walking", "trail"), ()),
    ("backpack", ("rucksack",), ("hiking", "laptop", "waterproof"), ()),
    ("vacuum", ("hoover",), ("cordless", "robot", "handheld"), ()),
    ("monitor", ("screen", "display"), ("curved", "gaming", "4k"), ("24", "27", "32")),
    ("mattress", ("bed",), ("memory foam", "hybrid", "firm"), ()),
)
SYNONYMS = {alias: canonical for canonical, aliases, _, _ in SEARCH_TYPES for alias in aliases}


def make_products(seed: int = 606) -> pd.DataFrame:
    """The fixed product catalogue of the search case: product_id, title."""
    rng = np.random.default_rng(seed)
    rows = []
    for kind, _, attributes, inches in SEARCH_TYPES:
        for brand in SEARCH_BRANDS:
            chosen = rng.choice(len(attributes), size=int(rng.integers(1, 3)), replace=False)
            for a in sorted(chosen):
                size = f" {rng.choice(inches)} inch" if inches else ""
                rows.append(f"{brand} {attributes[a].title()} {kind.title()}{size}")
    rows = sorted(set(rows))
    order = rng.permutation(len(rows))
    titles = [rows[i] for i in order]
    return pd.DataFrame(
        {"product_id": np.arange(1, len(titles) + 1, dtype="int64"), "title": titles}
    )


def title_words(title: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", title.lower()))


def _plural(word: str) -> str:
    if word.endswith("s"):
        return word
    return word + "s"


def make_queries(seed: int, n_queries: int, products: pd.DataFrame, *, cover_all: bool = False):
    """Queries (text) with their relevant product ids, written the ways shoppers type them.

    An intent is a product type with a brand, an attribute or a size; its relevant products
    are all those matching it (1 to 10). The query text may use a synonym of the type, a
    plural, a typo, or a size written as 55in / 55" / 55-inch.
    """
    rng = np.random.default_rng(seed)
    words = [title_words(t) for t in products.title]
    ids = products.product_id.tolist()
    intents = []
    for kind, aliases, attributes, inches in SEARCH_TYPES:
        for brand in SEARCH_BRANDS:
            intents.append((kind, aliases, "brand", brand.lower()))
        for attribute in attributes:
            intents.append((kind, aliases, "attribute", attribute))
        for inch in inches:
            intents.append((kind, aliases, "size", inch))
    rows = []
    uncovered = {a for _, aliases, _, _ in SEARCH_TYPES for a in aliases}
    while len(rows) < n_queries:
        kind, aliases, what, value = intents[int(rng.integers(len(intents)))]
        need = set(kind.split()) | set(value.split())
        if what == "size":
            need = set(kind.split()) | {value, "inch"}
        relevant = [i for i, w in zip(ids, words, strict=True) if need <= w]
        if not 1 <= len(relevant) <= 10:
            continue
        # the product word: canonical, a synonym, a plural or a typo
        style = rng.choice(["canonical", "synonym", "plural", "typo"], p=[0.15, 0.4, 0.25, 0.2])
        todo = [a for a in aliases if a in uncovered]
        if cover_all and todo:
            style = "synonym"
        product_word = kind
        if style == "synonym":
            product_word = (
                todo[0] if cover_all and todo else aliases[int(rng.integers(len(aliases)))]
            )
            uncovered.discard(product_word)
        elif style == "plural":
            product_word = " ".join(kind.split()[:-1] + [_plural(kind.split()[-1])])
        elif style == "typo":
            parts = kind.split()
            parts[-1] = _typo(parts[-1], rng)
            product_word = " ".join(parts)
        if what == "size":
            fmt = rng.choice(["{v} inch", "{v}in", '{v}"', "{v}-inch", "{v} inches"])
            qualifier = fmt.format(v=value)
        else:
            qualifier = value
            if what == "attribute" and rng.random() < 0.25:
                parts = qualifier.split()
                parts[0] = _typo(parts[0], rng)
                qualifier = " ".join(parts)
        text = (
            f"{qualifier} {product_word}" if rng.random() < 0.8 else f"{product_word} {qualifier}"
        )
        if rng.random() < 0.3:
            text = text.upper() if rng.random() < 0.3 else text.capitalize()
        rows.append((text, sorted(relevant)))
    return rows


# ------------------------------------------------------------------------------ segments

SEGMENT_NAMES = (
    "enterprise",
    "mid_market",
    "smb",
    "startup",
    "public_sector",
    "education",
    "agency",
)


def make_segments(seed: int, n_segments: int = 6) -> pd.DataFrame:
    """Segment table of the CSM-vs-trial case (lifts are relative to baseline conversion)."""
    rng = np.random.default_rng(seed)
    names = list(SEGMENT_NAMES[:n_segments])
    rows = []
    for name in names:
        accounts = int(rng.integers(8, 120)) * 50
        ltv = float(round(rng.uniform(300, 9000), -1))
        rows.append(
            {
                "segment": name,
                "accounts": accounts,
                "baseline_conversion": float(round(rng.uniform(0.02, 0.12), 3)),
                "csm_lift": float(round(rng.uniform(0.05, 0.6), 2)),
                "trial_lift": float(round(rng.uniform(0.05, 0.45), 2)),
                "csm_cost_per_account": float(round(rng.uniform(10, 90), 0)),
                "trial_cost_per_account": float(round(rng.uniform(2, 30), 0)),
                "ltv": ltv,
            }
        )
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------------ files

VISIBLE_USERS_SEED = 6101
VISIBLE_CATALOGUE_SEED = 6102
VISIBLE_QUERIES_SEED = 6103
VISIBLE_SEGMENTS_SEED = 6104


def visible_segments() -> pd.DataFrame:
    frame = make_segments(VISIBLE_SEGMENTS_SEED)
    return frame


def write_visible(folder: Path = HERE) -> None:
    make_users(VISIBLE_USERS_SEED, 16_000).to_csv(folder / "users.csv", index=False)
    listings, truth = make_catalogue(VISIBLE_CATALOGUE_SEED, 260)
    cluster_of = {i: c for c, ids in enumerate(truth, start=1) for i in ids}
    frame = pd.DataFrame(listings)
    frame["cluster"] = [cluster_of[i] for i in frame.id]
    frame.to_csv(folder / "listings.csv", index=False)
    products = make_products()
    products.to_csv(folder / "products.csv", index=False)
    queries = make_queries(VISIBLE_QUERIES_SEED, 60, products, cover_all=True)
    pd.DataFrame(
        {"query": [q for q, _ in queries], "relevant": [" ".join(map(str, r)) for _, r in queries]}
    ).to_csv(folder / "queries.csv", index=False)
    visible_segments().to_csv(folder / "segments.csv", index=False)


if __name__ == "__main__":
    write_visible()
