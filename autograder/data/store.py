"""The fictional online store "Larkspur Market": a deterministic SQLite database generator.

``build_store`` writes the five core tables (employees, customers, products, orders,
order_items) and two later ones (web_events from :mod:`autograder.data.web_events`, accounts
from :mod:`autograder.data.accounts`) from one seed; each later table has a random stream of
its own, so adding it moved nothing in the core tables. The visible database ``data/store.db`` is built with ``STORE_SEED``; graders
build small variants from the course's hidden seeds (instructor-only, in ``course.toml``)
with ``edge_cases=True``, which plants the traps listed in ``_plant_*`` on top of the
generated data. ``connect`` is the one way learners and checks open the shipped file
(read-only). Rebuild the shipped file with ``python -m autograder.data.store --out
data/store.db``; ``data/README.md`` is its data card.

Everything random comes from ``numpy.random.default_rng(seed)`` (split into independent
streams with ``spawn``), so the same seed, size and edge_cases give identical table contents.
Money is handled in integer cents until the rows are written.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from autograder.data import accounts, web_events

STORE_SEED: int = 2020
CORE_TABLES: tuple[str, ...] = ("employees", "customers", "products", "orders", "order_items")
# tables added later, each from a random stream of its own: the core tables did not move
TABLES: tuple[str, ...] = (*CORE_TABLES, "web_events", "accounts")

SIZES = ("full", "small")
SHIPPED = Path("data") / "store.db"  # under a course root
_CACHE_FOLDER = "ds-interview-loop"

SCHEMA = """
CREATE TABLE employees (
    employee_id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    title TEXT NOT NULL,
    department TEXT NOT NULL,
    manager_id INTEGER NULL REFERENCES employees(employee_id),
    hired_on TEXT NOT NULL,
    salary INTEGER NOT NULL
);
CREATE TABLE customers (
    customer_id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT NULL,
    city TEXT NOT NULL,
    segment TEXT NOT NULL,
    signup_date TEXT NOT NULL
);
CREATE TABLE products (
    product_id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    unit_price REAL NOT NULL,
    launched_on TEXT NOT NULL
);
CREATE TABLE orders (
    order_id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(customer_id),
    ordered_at TEXT NOT NULL,
    status TEXT NOT NULL,
    amount REAL NULL
);
CREATE TABLE order_items (
    order_id INTEGER NOT NULL REFERENCES orders(order_id),
    product_id INTEGER NOT NULL REFERENCES products(product_id),
    quantity INTEGER NOT NULL,
    unit_price REAL NOT NULL,
    PRIMARY KEY (order_id, product_id)
);
"""

INDEXES = """
CREATE INDEX idx_orders_customer_id ON orders(customer_id);
CREATE INDEX idx_orders_ordered_at ON orders(ordered_at);
CREATE INDEX idx_order_items_product_id ON order_items(product_id);
CREATE INDEX idx_employees_manager_id ON employees(manager_id);
"""

# ---------------------------------------------------------------------------------------------
# calendar: days are counted from 2019-01-01 (day 0); timestamps are seconds from its midnight

_EPOCH = np.datetime64("2019-01-01", "D")
# 1096 days: 2020 is a leap year
N_DAYS = int((np.datetime64("2022-01-01", "D") - _EPOCH).astype(np.int64))
_DAY_SECONDS = 86_400


def _day(text: str) -> int:
    return int((np.datetime64(text, "D") - _EPOCH).astype(np.int64))


def _dates(days: np.ndarray) -> list[str]:
    return np.datetime_as_string(_EPOCH + np.asarray(days).astype("timedelta64[D]")).tolist()


def _timestamps(seconds: np.ndarray) -> list[str]:
    start = _EPOCH.astype("datetime64[s]")
    text = np.datetime_as_string(start + np.asarray(seconds).astype("timedelta64[s]"), unit="s")
    return [s.replace("T", " ") for s in text.tolist()]


def _ts(text: str) -> int:
    delta = np.datetime64(text.replace(" ", "T"), "s") - _EPOCH.astype("datetime64[s]")
    return int(delta.astype(np.int64))


_ALL_DAYS = _EPOCH + np.arange(N_DAYS).astype("timedelta64[D]")
_DAY_MONTH = (_ALL_DAYS.astype("datetime64[M]").astype(np.int64) % 12).astype(np.int64)  # 0..11
_DAY_WEEKDAY = (_ALL_DAYS.astype(np.int64) + 3) % 7  # Monday = 0

# ---------------------------------------------------------------------------------------------
# vocabularies

FIRST_NAMES = (
    "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara "
    "Richard Susan Joseph Jessica Thomas Sarah Charles Karen Christopher Lisa Daniel Nancy "
    "Matthew Betty Anthony Sandra Mark Margaret Donald Ashley Steven Kimberly Andrew Emily Paul "
    "Donna Joshua Michelle Kenneth Carol Kevin Amanda Brian Melissa George Deborah Timothy "
    "Stephanie Ronald Rebecca Jason Sharon Edward Laura Jeffrey Cynthia Ryan Dorothy Jacob Amy "
    "Gary Kathleen Nicholas Angela Eric Shirley Jonathan Emma Stephen Brenda Larry Pamela Justin "
    "Nicole Scott Anna Brandon Samantha Benjamin Katherine Samuel Christine Gregory Debra "
    "Alexander Rachel Patrick Carolyn Frank Janet Raymond Maria Jack Olivia Dennis Heather Wei "
    "Priya Hiroshi Fatima Carlos Sofia Ahmed Mei Olga Kwame Aisha Diego Yuki Ravi Lucia Omar "
    "Ingrid Mateo Leila Tariq"
).split()
LAST_NAMES = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez "
    "Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris "
    "Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill "
    "Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Chen Patel Kim "
    "Singh Tanaka Mueller Kowalski Okafor Haddad Ivanov Rossi Dubois Jensen Larsen Silva Santos "
    "Costa Nakamura Sato Khan Ali Hassan Cohen Murphy O'Brien Kelly Sullivan Brooks Price "
    "Bennett Wood Barnes Ross Henderson Coleman Jenkins Perry Powell Long Patterson Hughes "
    "Washington Butler Simmons Foster Bryant Russell Griffin Diaz Hayes Myers Ford Hamilton "
    "Graham Wallace Reyes Fischer Novak"
).split()

CITIES = (
    "New York", "Los Angeles", "Chicago", "Houston", "Phoenix", "Philadelphia", "San Antonio",
    "San Diego", "Dallas", "Austin", "Seattle", "Denver", "Boston", "Portland", "Atlanta",
    "Miami", "Minneapolis", "Nashville", "Detroit", "Columbus",
)  # fmt: skip
SEGMENTS = ("consumer", "small_business", "enterprise")
STATUSES = ("completed", "returned", "cancelled", "pending")
_COMPLETED, _RETURNED, _CANCELLED, _PENDING = range(4)

DEPARTMENTS = ("Engineering", "Sales", "Marketing", "Operations", "Customer Support", "Finance")
_DEPARTMENT_SHARE = np.array([0.24, 0.2, 0.12, 0.2, 0.16, 0.08])  # of the line managers
IC_TITLES = {
    "Engineering": (
        "Software Engineer",
        "Senior Software Engineer",
        "Data Engineer",
        "QA Engineer",
    ),
    "Sales": ("Account Executive", "Sales Representative", "Sales Engineer"),
    "Marketing": ("Marketing Specialist", "Content Strategist", "Growth Analyst"),
    "Operations": ("Logistics Coordinator", "Warehouse Lead", "Supply Chain Analyst"),
    "Customer Support": ("Support Specialist", "Support Agent"),
    "Finance": ("Financial Analyst", "Accountant"),
}
IC_SALARY = {
    "Engineering": 118_000,
    "Sales": 82_000,
    "Marketing": 86_000,
    "Operations": 66_000,
    "Customer Support": 54_000,
    "Finance": 90_000,
}

# category: (number of products, median price in dollars, spread, brands, items)
CATEGORIES = {
    "books": (25, 16.0, 0.35, (), ()),
    "electronics": (
        22, 60.0, 0.8, ("Voltix", "Nimbus", "Auralab", "Pixelon"),
        ("Wireless Earbuds", "Bluetooth Speaker", "USB-C Charger", "Smart Watch",
         "Noise-Cancelling Headphones", "4K Webcam", "Portable SSD 1TB", "Mechanical Keyboard",
         "Wireless Mouse", "E-Reader", "Action Camera", "Smart Plug", "Power Bank", "HDMI Cable"),
    ),
    "home": (
        20, 30.0, 0.5, ("Hearthly", "Oak & Ember", "Casa Nova"),
        ("Throw Blanket", "Scented Candle", "Table Lamp", "Wall Clock", "Bath Towel Set",
         "Storage Basket", "Picture Frame", "Doormat", "Curtain Panel", "Desk Organizer",
         "Plant Pot", "Floor Cushion"),
    ),
    "kitchen": (
        20, 35.0, 0.6, ("ChefMate", "Copperleaf", "Pantry Pro"),
        ("Chef's Knife", "Cast Iron Skillet", "French Press", "Cutting Board", "Mixing Bowls",
         "Stand Mixer", "Blender", "Kettle", "Spice Rack", "Measuring Cups", "Nonstick Pan",
         "Dutch Oven", "Toaster"),
    ),
    "toys": (
        18, 25.0, 0.5, ("Funforge", "Little Harbor", "Brickwise"),
        ("Building Blocks Set", "Puzzle 1000pc", "Plush Bear", "RC Car", "Board Game", "Art Kit",
         "Wooden Train", "Doll House", "Kite", "Science Kit", "Card Game", "Yo-Yo"),
    ),
    "beauty": (
        15, 18.0, 0.45, ("Lumiere", "Petal & Co", "Glowra"),
        ("Face Serum", "Lip Balm", "Shampoo", "Conditioner", "Hand Cream", "Sunscreen SPF 50",
         "Face Mask", "Body Lotion", "Nail Polish", "Perfume", "Cleanser", "Eye Cream"),
    ),
    "sports": (
        16, 35.0, 0.6, ("Strideon", "PeakForm", "Trailhead"),
        ("Yoga Mat", "Running Shoes", "Dumbbell Pair", "Water Bottle", "Resistance Bands",
         "Tennis Racket", "Cycling Gloves", "Jump Rope", "Foam Roller", "Hiking Backpack",
         "Soccer Ball", "Fitness Tracker"),
    ),
    "grocery": (
        14, 9.0, 0.45, ("Good Harvest", "Daily Pantry", "Mountain Bean"),
        ("Coffee Beans 1kg", "Green Tea", "Olive Oil", "Dark Chocolate", "Granola", "Pasta",
         "Honey", "Almonds", "Rice 5kg", "Maple Syrup", "Peanut Butter", "Sparkling Water 12-pack"),
    ),
}  # fmt: skip
_CATEGORY_NAMES = tuple(CATEGORIES)
_BOOK_WORDS = (
    ("Silent", "Hidden", "Last", "Broken", "Golden", "Distant", "Quiet", "Wild", "Secret",
     "Burning", "Frozen", "Lost"),
    ("Orchard", "River", "Garden", "Harbor", "Empire", "Mountain", "Letter", "Kingdom",
     "Lighthouse", "Forest", "Summer", "Atlas"),
)  # fmt: skip

# demand shapes
_MONTH_FACTOR = np.array([0.85, 0.80, 0.90, 0.92, 0.95, 0.93, 0.95, 0.97, 0.95, 1.02, 1.35, 1.60])
_WEEKDAY_FACTOR = np.array([1.06, 1.02, 1.00, 0.98, 0.95, 0.90, 1.09])  # Monday first
_HOUR_WEIGHT = np.array(
    [0.30, 0.20, 0.12, 0.08, 0.08, 0.12, 0.30, 0.60, 0.90, 1.00, 1.05, 1.10,
     1.20, 1.15, 1.05, 1.00, 1.00, 1.10, 1.30, 1.50, 1.60, 1.45, 1.00, 0.60]
)  # fmt: skip
_HOUR_P = _HOUR_WEIGHT / _HOUR_WEIGHT.sum()
_LINES_P = np.array([0.42, 0.28, 0.16, 0.09, 0.05])  # 1..5 lines per order
_ORDERS_FULL = 20_000
_SMALL_DIVISOR = 6


def _season_by_category() -> np.ndarray:
    """Log multipliers (month x category) of a product's pull on top of its popularity."""
    table = np.ones((12, len(_CATEGORY_NAMES)))
    col = {name: i for i, name in enumerate(_CATEGORY_NAMES)}
    table[11, col["toys"]] = 2.2
    table[10, col["toys"]] = 1.4
    table[10, col["electronics"]] = 1.5
    table[11, col["electronics"]] = 1.3
    table[5:8, col["sports"]] = 1.35
    table[0, col["sports"]] = 1.3  # new-year resolutions
    table[11, col["books"]] = 1.3
    table[1, col["beauty"]] = 1.25  # Valentine's day
    return np.log(table)


def _day_intensity() -> np.ndarray:
    """Relative expected orders per day: growth, season, weekday and shopping holidays."""
    t = np.arange(N_DAYS) / N_DAYS
    lam = np.exp(np.log(1.8) * t) * _MONTH_FACTOR[_DAY_MONTH] * _WEEKDAY_FACTOR[_DAY_WEEKDAY]
    for black_friday in ("2019-11-29", "2020-11-27", "2021-11-26"):
        lam[_day(black_friday)] *= 2.6
        lam[_day(black_friday) + 3] *= 2.1  # Cyber Monday
    lam[_day("2020-04-01") : _day("2020-07-01")] *= 1.2  # a stay-at-home bump
    return lam / lam.sum()


# ---------------------------------------------------------------------------------------------
# the generated world, as plain arrays (indices are 0-based; ids are assigned when writing)


@dataclass
class _Employees:
    name: list[str]
    title: list[str]
    dept: list[str]
    level: list[str]  # ceo, staff, vp, director, manager, ic, contractor
    parent: list[int]  # index of the manager, -1 for none
    hired: list[int]  # day number
    salary: list[int]

    def add(self, name, title, dept, level, parent, hired, salary) -> int:
        self.name.append(name)
        self.title.append(title)
        self.dept.append(dept)
        self.level.append(level)
        self.parent.append(parent)
        self.hired.append(int(hired))
        self.salary.append(int(salary))
        return len(self.name) - 1

    def team_sizes(self) -> np.ndarray:
        parents = np.array([p for p in self.parent if p >= 0], dtype=np.int64)
        return np.bincount(parents, minlength=len(self.name))


@dataclass
class _Customers:
    first: np.ndarray  # index into FIRST_NAMES
    last: np.ndarray  # index into LAST_NAMES
    has_email: np.ndarray  # bool
    domain: np.ndarray  # int
    city: np.ndarray  # index into CITIES
    segment: np.ndarray  # index into SEGMENTS
    signup: np.ndarray  # day number
    weight: np.ndarray  # ordering activity


@dataclass
class _Products:
    name: list[str]
    category: np.ndarray  # index into _CATEGORY_NAMES
    price: np.ndarray  # list price in cents
    launched: np.ndarray  # day number
    logw: np.ndarray  # log popularity


@dataclass
class _Orders:
    ts: np.ndarray  # seconds from 2019-01-01 00:00:00
    cust: np.ndarray  # customer index
    status: np.ndarray  # index into STATUSES


@dataclass
class _Lines:
    order: np.ndarray  # order index
    product: np.ndarray  # product index
    qty: np.ndarray
    price: np.ndarray  # cents per unit actually paid


def _person(rng: np.random.Generator) -> str:
    first = FIRST_NAMES[rng.integers(len(FIRST_NAMES))]
    return f"{first} {LAST_NAMES[rng.integers(len(LAST_NAMES))]}"


def _salary(rng: np.random.Generator, base: float) -> int:
    return int(round(base * np.exp(rng.normal(0.0, 0.1)) / 1000.0)) * 1000  # ties are natural


def _gen_employees(rng: np.random.Generator, size: str) -> _Employees:
    full = size == "full"
    depts = DEPARTMENTS if full else DEPARTMENTS[:4]
    emp = _Employees([], [], [], [], [], [], [])

    def hire(start: str, end: str) -> int:
        return int(rng.integers(_day(start), _day(end) + 1))

    def add(title: str, dept: str, level: str, boss: int, hired: tuple[str, str], pay: float):
        return emp.add(_person(rng), title, dept, level, boss, hire(*hired), _salary(rng, pay))

    ceo = add(
        "Chief Executive Officer", "Executive", "ceo", -1, ("2012-01-09", "2012-03-30"), 310e3
    )
    for title in ("Chief of Staff", "Executive Assistant")[: 2 if full else 1]:
        add(title, "Executive", "staff", ceo, ("2014-01-01", "2020-12-31"), 105e3)
    # line managers' team sizes, drawn until the headcount of individual contributors is reached
    max_team = 12 if full else 8
    wanted = int(rng.integers(70, 86)) if full else int(rng.integers(20, 29))
    teams: list[int] = []
    while sum(teams) < wanted or len(teams) < len(depts):
        teams.append(int(rng.integers(2, max_team + 1)))
    share = _DEPARTMENT_SHARE[: len(depts)] / _DEPARTMENT_SHARE[: len(depts)].sum()
    per_dept = 1 + rng.multinomial(len(teams) - len(depts), share)
    for dept, count in zip(depts, per_dept, strict=True):
        vp = add(f"VP of {dept}", dept, "vp", ceo, ("2012-06-01", "2018-06-30"), 205e3)
        top = vp
        if full and count >= 2 and rng.random() < 0.5:  # some departments have a director
            top = add(
                f"Director of {dept}", dept, "director", vp, ("2013-01-01", "2019-06-30"), 172e3
            )
        for _ in range(int(rng.integers(0, 2))):  # a VP's own analyst
            add(f"{dept} Analyst", dept, "ic", vp, ("2015-01-01", "2021-06-30"), IC_SALARY[dept])
        for _ in range(int(count)):
            manager = add(
                f"{dept} Manager", dept, "manager", top, ("2014-01-01", "2020-06-30"), 138e3
            )
            for _ in range(teams.pop()):
                _add_ic(rng, emp, dept, manager, _day("2014-01-01"), _day("2021-09-30"))
    # two different managers carry the same name (visible in every database)
    managers = [i for i, level in enumerate(emp.level) if level == "manager"]
    a, b = rng.choice(len(managers), size=2, replace=False)
    emp.name[managers[b]] = emp.name[managers[a]]
    return emp


def _add_ic(rng, emp: _Employees, dept: str, manager: int, first_day: int, last_day: int) -> int:
    titles = IC_TITLES[dept]
    title = titles[int(rng.integers(len(titles)))]
    base = IC_SALARY[dept] * (1.25 if title.startswith("Senior") else 1.0)
    hired = int(first_day + (last_day - first_day) * np.sqrt(rng.random()))  # more recent hires
    return emp.add(_person(rng), title, dept, "ic", manager, hired, _salary(rng, base))


def _gen_products(rng: np.random.Generator) -> _Products:
    names: list[str] = []
    category: list[int] = []
    for c, (cat, (count, _, _, brands, items)) in enumerate(CATEGORIES.items()):
        count = count + int(rng.integers(-2, 3))
        if cat == "books":
            pool = [f"The {a} {b}" for a in _BOOK_WORDS[0] for b in _BOOK_WORDS[1]]
        else:
            pool = [f"{brand} {item}" for brand in brands for item in items]
        picked = rng.choice(len(pool), size=count, replace=False)
        names += [pool[i] for i in picked]
        category += [c] * count
    cat = np.array(category, dtype=np.int64)
    n = cat.size
    median = np.array([CATEGORIES[name][1] for name in _CATEGORY_NAMES])[cat]
    spread = np.array([CATEGORIES[name][2] for name in _CATEGORY_NAMES])[cat]
    dollars = np.maximum(np.floor(median * np.exp(rng.normal(0.0, spread))), 1.0)
    cents_end = rng.choice(np.array([99, 49, 0, 95, 50]), size=n, p=[0.6, 0.15, 0.1, 0.1, 0.05])
    price = dollars.astype(np.int64) * 100 + cents_end
    early = rng.random(n) < 0.75
    launched = np.where(
        early,
        rng.integers(_day("2015-01-01"), _day("2018-12-31") + 1, size=n),
        rng.integers(_day("2019-01-15"), _day("2021-10-31") + 1, size=n),
    )
    rank = rng.permutation(n) + 1  # Zipf-like popularity over a random order
    logw = -0.85 * np.log(rank) + rng.normal(0.0, 0.15, size=n)
    # product ids follow launch order
    order = np.lexsort((np.arange(n), launched))
    return _Products(
        [names[i] for i in order], cat[order], price[order], launched[order], logw[order]
    )


def _gen_customers(rng: np.random.Generator, size: str) -> _Customers:
    n = 1500 if size == "full" else 1500 // _SMALL_DIVISOR
    combos = rng.choice(len(FIRST_NAMES) * len(LAST_NAMES), size=n, replace=False)
    first, last = combos // len(LAST_NAMES), combos % len(LAST_NAMES)
    # a few different customers share a name
    n_dup = max(2, n // 150)
    src, dst = rng.choice(n, size=(2, n_dup), replace=False)
    first[dst], last[dst] = first[src], last[src]
    before = rng.random(n) < 0.18
    growth = np.exp(np.log(2.2) * np.arange(N_DAYS) / N_DAYS) * _MONTH_FACTOR[_DAY_MONTH] ** 0.5
    signup = np.where(
        before,
        rng.integers(_day("2017-07-01"), _day("2018-12-31") + 1, size=n),
        rng.choice(N_DAYS, size=n, p=growth / growth.sum()),
    )
    signup = np.sort(signup)  # customer ids follow signup order
    segment = rng.choice(3, size=n, p=[0.75, 0.2, 0.05])
    weight = np.exp(rng.normal(0.0, 1.0, size=n)) * np.array([1.0, 1.6, 2.5])[segment]
    heavy = rng.choice(n, size=max(2, n // 200), replace=False)
    weight[heavy] *= 12.0  # a few heavy buyers
    city_w = 1.0 / np.arange(1, len(CITIES) + 1) ** 0.8
    return _Customers(
        first=first,
        last=last,
        has_email=rng.random(n) >= 0.03,
        domain=rng.integers(0, 3, size=n),
        city=rng.choice(len(CITIES), size=n, p=city_w / city_w.sum()),
        segment=segment,
        signup=signup,
        weight=weight,
    )


def _gen_orders(rng, size: str, cust: _Customers, prod: _Products) -> tuple[_Orders, _Lines]:
    expected = _ORDERS_FULL if size == "full" else _ORDERS_FULL / _SMALL_DIVISOR
    per_day = rng.poisson(_day_intensity() * expected)
    day = np.repeat(np.arange(N_DAYS), per_day)
    n = day.size
    ts = day * _DAY_SECONDS + rng.choice(24, size=n, p=_HOUR_P) * 3600 + rng.integers(0, 3600, n)
    ts = np.sort(ts)
    day = ts // _DAY_SECONDS

    # who orders: customers who have signed up by that day, by activity weight
    eligible = np.searchsorted(cust.signup, day, side="right")
    if eligible.min() < 1:
        raise RuntimeError("an order falls before the first signup")
    cum = np.cumsum(cust.weight)
    who = np.searchsorted(cum, rng.random(n) * cum[eligible - 1], side="right")
    who = np.minimum(who, eligible - 1)

    # status: pending orders are mostly the most recent ones
    age = N_DAYS - 1 - day
    pending = rng.random(n) < 0.005 + 0.5 * np.exp(-age / 7.0)
    other = rng.random(n)
    status = np.where(other < 0.05, _RETURNED, np.where(other < 0.085, _CANCELLED, _COMPLETED))
    status = np.where(pending, _PENDING, status)

    lines = _draw_lines(rng, day, cust.segment[who], prod)
    return _Orders(ts=ts, cust=who, status=status), lines


def _draw_lines(rng, day: np.ndarray, segment: np.ndarray, prod: _Products) -> _Lines:
    """1-5 distinct products per order: weighted sampling without replacement (Gumbel top-k)."""
    n = day.size
    k = 1 + rng.choice(5, size=n, p=_LINES_P)
    k = np.minimum(k + ((segment == 2) & (rng.random(n) < 0.5)), 5)
    season = _season_by_category()[:, prod.category]  # month x product
    keys = prod.logw[None, :] + season[_DAY_MONTH[day]] + rng.gumbel(size=(n, prod.logw.size))
    keys[prod.launched[None, :] > day[:, None]] = -np.inf
    top = np.argpartition(-keys, 4, axis=1)[:, :5]
    top_keys = np.take_along_axis(keys, top, axis=1)
    top = np.take_along_axis(top, np.argsort(-top_keys, axis=1, kind="stable"), axis=1)
    take = np.arange(5)[None, :] < k[:, None]
    order, slot = np.nonzero(take)
    product = top[order, slot]
    seg = segment[order]
    qty = rng.geometric(np.array([0.72, 0.5, 0.3])[seg])
    qty = np.minimum(qty, np.array([8, 15, 40])[seg])
    holiday = _DAY_MONTH[day[order]] >= 10
    discounted = rng.random(order.size) < np.where(holiday, 0.3, 0.1)
    off = np.where(discounted, rng.choice(np.array([10, 15, 20, 25]), size=order.size), 0)
    price = (prod.price[product] * (100 - off) + 50) // 100
    return _Lines(order=order, product=product, qty=qty, price=price)


# ---------------------------------------------------------------------------------------------
# planted edge cases (hidden variants only)


def _plant_employee_traps(rng: np.random.Generator, emp: _Employees) -> None:
    last_hire = max(emp.hired)
    # (1) a tie for the biggest team: grow another manager's team to the maximum
    sizes = emp.team_sizes()
    top = int(sizes.max())
    leaders = [i for i in range(len(sizes)) if sizes[i] == top]
    if len(leaders) < 2:
        candidates = [i for i, lv in enumerate(emp.level) if lv == "manager" and sizes[i] < top]
        grown = candidates[int(rng.integers(len(candidates)))]
        for _ in range(top - int(sizes[grown])):
            _add_ic(rng, emp, emp.dept[grown], grown, last_hire + 1, _day("2021-12-15"))
        leaders = [leaders[0], grown]
    # ... and one of the tied managers shares a name with another manager
    tied = leaders[int(rng.integers(len(leaders)))]
    others = [i for i, lv in enumerate(emp.level) if lv == "manager" and i not in leaders]
    others = others or [i for i, lv in enumerate(emp.level) if lv == "ic"]
    emp.name[others[int(rng.integers(len(others)))]] = emp.name[tied]
    # (2) contractors without a manager: more of them than the biggest team
    for _ in range(top + int(rng.integers(1, 4))):
        dept = DEPARTMENTS[int(rng.integers(len(DEPARTMENTS)))]
        emp.add(
            _person(rng),
            "Contractor",
            dept,
            "contractor",
            -1,
            rng.integers(last_hire + 1, _day("2021-12-20")),
            _salary(rng, 70_000),
        )


def _plant_order_traps(
    rng: np.random.Generator,
    cust: _Customers,
    prod: _Products,
    orders: _Orders,
    lines: _Lines,
    more_rng: np.random.Generator | None = None,
) -> tuple[_Customers, _Products, _Orders, _Lines]:
    # (3) a month of 2020 without any order
    month = int(rng.integers(2, 12))
    start = _ts(f"2020-{month:02d}-01 00:00:00")
    end = _ts(f"2020-{month + 1:02d}-01 00:00:00")
    orders, lines = _drop_orders(orders, lines, (orders.ts >= start) & (orders.ts < end))

    # (4) orders exactly at year boundaries
    new_ts = [
        _ts(t)
        for t in (
            "2019-12-31 23:59:59",
            "2020-12-31 18:30:00",
            "2020-12-31 23:59:59",
            "2021-01-01 00:00:00",
        )
    ]
    buyers = np.unique(orders.cust)
    new_cust = [int(rng.choice(buyers[cust.signup[buyers] <= t // _DAY_SECONDS])) for t in new_ts]
    orders, lines = _add_orders(rng, orders, lines, prod, cust, new_ts, new_cust)

    # (5) two pairs of namesakes who both ordered
    buyers = np.unique(orders.cust)
    a, b, c, d = rng.choice(buyers, size=4, replace=False)
    cust.first[b], cust.last[b] = cust.first[a], cust.last[a]
    cust.first[d], cust.last[d] = cust.first[c], cust.last[c]

    # (8) customers whose latest order time is shared by two of their orders
    latest = np.full(cust.signup.size, -1, dtype=np.int64)
    np.maximum.at(latest, orders.cust, orders.ts)
    picked = rng.choice(buyers, size=int(rng.integers(3, 6)), replace=False)
    orders, lines = _add_orders(
        rng, orders, lines, prod, cust, latest[picked].tolist(), picked.tolist()
    )

    # (6) many pending orders (NULL amount)
    n = orders.ts.size
    want = int(np.ceil(0.06 * n)) + int(rng.integers(0, n // 100 + 1))
    open_ = np.flatnonzero(orders.status != _PENDING)
    extra = want - (n - open_.size)
    if extra > 0:
        status = orders.status.copy()
        status[rng.choice(open_, size=extra, replace=False)] = _PENDING
        orders = _Orders(ts=orders.ts, cust=orders.cust, status=status)

    # (9) a customer and a product that never appear in an order
    cust = _Customers(
        first=np.append(cust.first, rng.integers(len(FIRST_NAMES))),
        last=np.append(cust.last, rng.integers(len(LAST_NAMES))),
        has_email=np.append(cust.has_email, True),
        domain=np.append(cust.domain, rng.integers(0, 3)),
        city=np.append(cust.city, rng.integers(len(CITIES))),
        segment=np.append(cust.segment, 0),
        signup=np.append(cust.signup, rng.integers(_day("2020-06-01"), N_DAYS)),
        weight=np.append(cust.weight, 0.0),
    )
    category = int(rng.integers(len(_CATEGORY_NAMES)))
    prod = _Products(
        name=prod.name + [f"{_CATEGORY_NAMES[category].title()} Gift Card"],
        category=np.append(prod.category, category),
        price=np.append(prod.price, 2500),
        launched=np.append(prod.launched, max(int(prod.launched.max()) + 1, _day("2021-11-01"))),
        logw=np.append(prod.logw, -np.inf),
    )

    # (10, 11) orders at the edges of March 2021 and a cohort's month boundary (before the
    # revenue ties, which new lines would disturb)
    if more_rng is not None:
        cust, orders, lines = _plant_dated_orders(more_rng, cust, prod, orders, lines)

    # (7) exact revenue ties at rank 3 in two categories and at rank 1 in a third
    lines = _plant_revenue_ties(rng, prod, orders, lines)
    return cust, prod, orders, lines


def _plant_namesake_reports(rng: np.random.Generator, emp: _Employees) -> None:
    """(1b) two direct reports of a manager tied for the largest team share a name, so
    counting distinct names undercounts that team and drops the manager from the tie."""
    sizes = emp.team_sizes()
    leaders = [i for i in range(len(sizes)) if sizes[i] == sizes.max() and emp.level[i] != "ceo"]
    leader = leaders[int(rng.integers(len(leaders)))]
    reports = [i for i, parent in enumerate(emp.parent) if parent == leader]
    a, b = rng.choice(len(reports), size=2, replace=False)
    emp.name[reports[int(b)]] = emp.name[reports[int(a)]]


def _plant_dated_orders(rng, cust: _Customers, prod: _Products, orders: _Orders, lines: _Lines):
    """(10) completed orders at 2021-02-28 23:59:59, 2021-03-31 23:59:59 and 2021-04-01
    00:00:00; (11) a new customer whose first order is at 2021-06-30 23:59:59 and second at
    2021-07-01 00:00:00 (one calendar month later, one second apart)."""
    stamps = [_ts(t) for t in ("2021-02-28 23:59:59", "2021-03-31 23:59:59", "2021-04-01 00:00:00")]
    buyers = np.unique(orders.cust)
    buyers = buyers[cust.segment[buyers] != 2]  # (13) must not turn these into returns
    who = [int(rng.choice(buyers[cust.signup[buyers] <= t // _DAY_SECONDS])) for t in stamps]
    orders, lines = _add_orders(rng, orders, lines, prod, cust, stamps, who)
    cust = _Customers(
        first=np.append(cust.first, rng.integers(len(FIRST_NAMES))),
        last=np.append(cust.last, rng.integers(len(LAST_NAMES))),
        has_email=np.append(cust.has_email, True),
        domain=np.append(cust.domain, rng.integers(0, 3)),
        city=np.append(cust.city, rng.integers(len(CITIES))),
        segment=np.append(cust.segment, 0),
        signup=np.append(cust.signup, _day("2021-06-30")),
        weight=np.append(cust.weight, 0.0),
    )
    newcomer = cust.signup.size - 1
    boundary = [_ts("2021-06-30 23:59:59"), _ts("2021-07-01 00:00:00")]
    orders, lines = _add_orders(rng, orders, lines, prod, cust, boundary, [newcomer] * 2)
    return cust, orders, lines


def _plant_status_gaps(rng, cust: _Customers, prod: _Products, orders: _Orders, lines: _Lines):
    """(12) a day of March 2021 with orders but none completed; (13) a product category
    without a single completed 2021 sale to enterprise customers."""
    status = orders.status.copy()
    day = orders.ts // _DAY_SECONDS
    march = np.arange(_day("2021-03-02"), _day("2021-03-31"))
    busy = [d for d in march.tolist() if ((day == d) & (status == _COMPLETED)).any()]
    quiet = busy[int(rng.integers(len(busy)))]
    status[(day == quiet) & (status == _COMPLETED)] = _CANCELLED

    in_2021 = (orders.ts >= _ts("2021-01-01 00:00:00")) & (status == _COMPLETED)
    enterprise = in_2021 & (cust.segment[orders.cust] == 2)
    line_category = prod.category[lines.product]
    touched = [np.unique(lines.order[(line_category == c) & enterprise[lines.order]])
               for c in range(len(_CATEGORY_NAMES))]  # fmt: skip
    fewest = min(range(len(touched)), key=lambda c: (touched[c].size, c))
    status[touched[fewest]] = _RETURNED
    return _Orders(ts=orders.ts, cust=orders.cust, status=status)


def _drop_orders(orders: _Orders, lines: _Lines, drop: np.ndarray) -> tuple[_Orders, _Lines]:
    keep = ~drop
    new_index = np.cumsum(keep) - 1
    kept_lines = keep[lines.order]
    return (
        _Orders(ts=orders.ts[keep], cust=orders.cust[keep], status=orders.status[keep]),
        _Lines(
            order=new_index[lines.order[kept_lines]],
            product=lines.product[kept_lines],
            qty=lines.qty[kept_lines],
            price=lines.price[kept_lines],
        ),
    )


def _add_orders(rng, orders, lines, prod, cust, ts: list[int], who: list[int]):
    """Append completed orders at the given times, each with 1-3 popular available products."""
    first = orders.ts.size
    ts_arr = np.array(ts, dtype=np.int64)
    new_lines = _draw_lines(rng, ts_arr // _DAY_SECONDS, cust.segment[np.array(who)], prod)
    keep = np.ones(new_lines.order.size, dtype=bool)
    for o in range(len(ts)):  # at most three lines each
        keep &= ~((new_lines.order == o) & (np.cumsum(new_lines.order == o) > 3))
    return (
        _Orders(
            ts=np.append(orders.ts, ts_arr),
            cust=np.append(orders.cust, np.array(who, dtype=np.int64)),
            status=np.append(orders.status, np.full(len(ts), _COMPLETED)),
        ),
        _Lines(
            order=np.append(lines.order, new_lines.order[keep] + first),
            product=np.append(lines.product, new_lines.product[keep]),
            qty=np.append(lines.qty, new_lines.qty[keep]),
            price=np.append(lines.price, new_lines.price[keep]),
        ),
    )


def _quarter(cents: np.ndarray) -> np.ndarray:
    """Round to a multiple of 25 cents: such amounts are exact in binary floating point."""
    return np.maximum(np.rint(np.asarray(cents) / 25.0).astype(np.int64) * 25, 25)


def _plant_revenue_ties(rng, prod: _Products, orders: _Orders, lines: _Lines) -> _Lines:
    """In two categories make the 3rd and 4th products' total revenue exactly equal, and in a
    third category the 1st and 2nd (so DENSE_RANK and RANK keep different top-3 sets).

    Both products get quarter-dollar prices on every line, so their sums are exact in any
    summation order; the lower one gets extra single-unit lines (and small discounts) until
    it matches the higher one. Categories where that would disturb the other ranks are skipped.
    """
    wanted = [2, 2, 0]  # index of the first product of each tied pair, by revenue rank
    used: set[int] = set()
    for first in wanted:
        for category in rng.permutation(len(_CATEGORY_NAMES)):
            if int(category) in used:
                continue
            trial = _tie_in_category(rng, int(category), prod, orders, lines, first=first)
            if trial is not None:
                lines = trial
                used.add(int(category))
                break
        else:
            raise RuntimeError("could not plant the revenue ties")  # pragma: no cover
    return lines


def _tie_in_category(
    rng, category: int, prod: _Products, orders: _Orders, lines: _Lines, *, first: int = 2
):
    revenue = np.bincount(lines.product, weights=lines.qty * lines.price, minlength=prod.price.size)
    revenue = np.rint(revenue).astype(np.int64)
    members = np.flatnonzero(prod.category == category)
    members = members[np.lexsort((members, -revenue[members]))]
    if members.size < 5 or revenue[members[4]] <= 0:
        return None
    pair = members[first : first + 2]
    price = lines.price.copy()
    qty = lines.qty.copy()
    for p in pair:
        mine = lines.product == p
        price[mine] = _quarter(price[mine])
    list_price = _quarter(prod.price)
    new_rev = {int(p): int((qty * price)[lines.product == p].sum()) for p in pair}
    high, low = sorted(pair, key=lambda p: (-new_rev[int(p)], p))
    target = new_rev[int(high)]
    rest = revenue[np.setdiff1d(members, pair)]
    if (rest > target).sum() != first or (rest == target).any():
        return None

    # add single units of the lower product to orders that lack it, then discount to land exactly
    gap = target - new_rev[int(low)]
    unit = int(list_price[low])
    n_new = -(-gap // unit)
    has_low = np.zeros(orders.ts.size, dtype=bool)
    has_low[lines.order[lines.product == low]] = True
    n_lines = np.bincount(lines.order, minlength=orders.ts.size)
    open_orders = np.flatnonzero(
        ~has_low & (n_lines < 5) & (orders.ts // _DAY_SECONDS >= prod.launched[low])
    )
    if n_new > open_orders.size or n_new > 40 + (lines.product == low).sum():
        return None
    chosen = np.sort(rng.choice(open_orders, size=n_new, replace=False))
    order = np.append(lines.order, chosen)
    product = np.append(lines.product, np.full(n_new, low))
    qty = np.append(qty, np.ones(n_new, dtype=np.int64))
    price = np.append(price, np.full(n_new, unit))
    excess = n_new * unit - gap  # cents to take off again, a multiple of 25
    # discount the new lines first (they are the last ones), then older single-unit lines
    single = np.flatnonzero((product == low) & (qty == 1))
    old, new = single[: single.size - n_new], single[single.size - n_new :]
    single = np.concatenate([new, rng.permutation(old)])
    cap = max(25, (unit * 3 // 10) // 25 * 25)  # at most ~30% off a line
    for i in single:
        if excess == 0:
            break
        cut = min(cap, excess, int(price[i]) - 25)
        price[i] -= cut
        excess -= cut
    if excess:
        return None
    return _Lines(order=order, product=product, qty=qty, price=price)


# ---------------------------------------------------------------------------------------------
# writing


def _generate(seed: int, size: str, edge_cases: bool):
    if size not in SIZES:
        raise ValueError(f"size must be one of {SIZES}, not {size!r}")
    streams = np.random.default_rng(seed).spawn(9)  # 6-8: planted later, new tables
    emp = _gen_employees(streams[0], size)
    prod = _gen_products(streams[1])
    cust = _gen_customers(streams[2], size)
    orders, lines = _gen_orders(streams[3], size, cust, prod)
    if edge_cases:
        _plant_employee_traps(streams[4], emp)
        cust, prod, orders, lines = _plant_order_traps(
            streams[4], cust, prod, orders, lines, more_rng=streams[6]
        )
        _plant_namesake_reports(streams[6], emp)
        orders = _plant_status_gaps(streams[6], cust, prod, orders, lines)
    return emp, cust, prod, orders, lines, streams[5]


def _employee_rows(emp: _Employees) -> list[tuple]:
    n = len(emp.name)
    order = sorted(range(n), key=lambda i: (emp.hired[i], i))  # ids follow hire order
    new_id = {old: pos + 1 for pos, old in enumerate(order)}
    hired = _dates(np.array(emp.hired))
    return [
        (
            new_id[i],
            emp.name[i],
            emp.title[i],
            emp.dept[i],
            new_id[emp.parent[i]] if emp.parent[i] >= 0 else None,
            hired[i],
            emp.salary[i],
        )
        for i in order
    ]


def _customer_rows(rng, cust: _Customers) -> tuple[list[tuple], np.ndarray]:
    n = cust.signup.size
    order = np.lexsort((np.arange(n), cust.signup))  # ids follow signup order
    new_id = np.empty(n, dtype=np.int64)
    new_id[order] = np.arange(1, n + 1)
    tag = rng.choice(9000, size=n, replace=False) + 1000  # keeps namesakes' emails apart
    domains = ("example.com", "example.net", "example.org")
    signup = _dates(cust.signup)
    rows = []
    for i in order.tolist():
        first, last = FIRST_NAMES[cust.first[i]], LAST_NAMES[cust.last[i]]
        email = None
        if cust.has_email[i]:
            local = f"{first}.{last}".lower().replace("'", "")
            email = f"{local}{tag[i]}@{domains[cust.domain[i]]}"
        rows.append(
            (
                int(new_id[i]),
                f"{first} {last}",
                email,
                CITIES[cust.city[i]],
                SEGMENTS[cust.segment[i]],
                signup[i],
            )
        )
    return rows, new_id


def _rows(seed: int, size: str, edge_cases: bool) -> dict[str, list[tuple]]:
    emp, cust, prod, orders, lines, final_rng = _generate(seed, size, edge_cases)
    customers, customer_id = _customer_rows(final_rng, cust)

    launched = _dates(prod.launched)
    products = [
        (
            i + 1,
            prod.name[i],
            _CATEGORY_NAMES[prod.category[i]],
            int(prod.price[i]) / 100,
            launched[i],
        )
        for i in range(len(prod.name))
    ]

    # order ids follow time (ties keep creation order)
    n = orders.ts.size
    order = np.lexsort((np.arange(n), orders.ts))
    order_id = np.empty(n, dtype=np.int64)
    order_id[order] = np.arange(1, n + 1)
    n_lines = np.bincount(lines.order, minlength=n)
    if n_lines.min() < 1 or n_lines.max() > 5:
        raise RuntimeError("every order must have 1-5 lines")  # pragma: no cover
    cents = np.bincount(lines.order, weights=lines.qty * lines.price, minlength=n)
    cents = np.rint(cents).astype(np.int64)
    stamps = _timestamps(orders.ts[order])
    cust_ids = customer_id[orders.cust[order]].tolist()
    status = orders.status[order].tolist()
    amount = (cents[order] / 100).tolist()
    orders_rows = [
        (
            i + 1,
            cust_ids[i],
            stamps[i],
            STATUSES[status[i]],
            None if status[i] == _PENDING else amount[i],
        )
        for i in range(n)
    ]

    item_order = order_id[lines.order]
    product_id = lines.product + 1
    by_key = np.lexsort((product_id, item_order))
    items = list(
        zip(
            item_order[by_key].tolist(),
            product_id[by_key].tolist(),
            lines.qty[by_key].tolist(),
            (lines.price[by_key] / 100).tolist(),
            strict=True,
        )
    )
    streams = np.random.default_rng(seed).spawn(9)
    full = size == "full"
    launch_seconds = [(i + 1, int(d) * _DAY_SECONDS) for i, d in enumerate(prod.launched.tolist())]
    events = web_events.build_rows(
        streams[7],
        sessions=2400 if full else 400,
        start_second=_ts("2021-10-01 00:00:00"),
        end_second=_ts("2022-01-01 00:00:00"),
        products=launch_seconds,
        edge_cases=edge_cases,
        timestamps=_timestamps,
    )
    account_rows = accounts.build_rows(
        streams[8],
        people=900 if full else 150,
        first_names=FIRST_NAMES,
        last_names=LAST_NAMES,
        start_second=_ts("2019-01-01 00:00:00"),
        end_second=_ts("2022-01-01 00:00:00"),
        edge_cases=edge_cases,
        timestamps=_timestamps,
    )
    return {
        "employees": _employee_rows(emp),
        "customers": customers,
        "products": products,
        "orders": orders_rows,
        "order_items": items,
        "web_events": events,
        "accounts": account_rows,
    }


def _fill(conn: sqlite3.Connection, seed: int, size: str, edge_cases: bool) -> None:
    rows = _rows(seed, size, edge_cases)
    conn.executescript(SCHEMA + web_events.SCHEMA + accounts.SCHEMA)
    with conn:
        for table in TABLES:
            marks = ",".join("?" * len(rows[table][0]))
            conn.executemany(f"INSERT INTO {table} VALUES ({marks})", rows[table])
    conn.executescript(INDEXES + web_events.INDEXES + accounts.INDEXES)


def build_store(
    target, *, seed: int = STORE_SEED, size: str = "full", edge_cases: bool = False
) -> sqlite3.Connection | None:
    """Build the store database from ``seed``.

    ``target`` is ":memory:" (the open connection is returned) or a file path (the file is
    replaced atomically and None is returned). ``size`` is "full" (the shipped one) or
    "small" (about a sixth of the rows, for hidden variants); ``edge_cases`` plants the
    hidden-variant traps described in data/README.md.
    """
    if size not in SIZES:
        raise ValueError(f"size must be one of {SIZES}, not {size!r}")
    if isinstance(target, str) and target == ":memory:":
        conn = shared_connection(":memory:")
        _fill(conn, seed, size, edge_cases)
        return conn
    path = Path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        conn = sqlite3.connect(tmp)
        try:
            conn.execute("PRAGMA journal_mode = OFF")
            conn.execute("PRAGMA synchronous = OFF")
            _fill(conn, seed, size, edge_cases)
            conn.execute("VACUUM")
        finally:
            conn.close()
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes the file private; a database need not be
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return None


def store_path(start: Path | None = None) -> Path:
    """The store a notebook opens: ``$AUTOGRADER_STORE``, else the nearest ``data/store.db``
    at or above ``start`` (default: the working directory, so a notebook in a course finds
    the course's copy), else one built once from ``STORE_SEED`` in a user cache (a learner
    with only the installed package and a released folder).
    """
    if os.environ.get("AUTOGRADER_STORE"):
        return Path(os.environ["AUTOGRADER_STORE"])
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / SHIPPED).is_file():
            return folder / SHIPPED
    cache_root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    cached = Path(cache_root) / _CACHE_FOLDER / f"store-{STORE_SEED}.db"
    if not cached.exists():
        build_store(cached, seed=STORE_SEED)
    return cached


def connect(path=None, *, readonly: bool = True) -> sqlite3.Connection:
    """Open the store (default: the shipped database); read-only unless asked otherwise."""
    target = Path(path) if path is not None else store_path()
    return shared_connection(target.expanduser().resolve(), readonly=readonly)


def shared_connection(target: Path | str, *, readonly: bool = False) -> sqlite3.Connection:
    """A connection to ``target`` (a file, or ":memory:") that any thread may use.

    Graders cache their databases and judge on a thread of their own (grading/verdicts.py),
    one notebook at a time: a connection is never used by two threads at once.
    """
    if readonly:
        uri = f"{Path(target).as_uri()}?mode=ro"
        return sqlite3.connect(uri, uri=True, check_same_thread=False)
    return sqlite3.connect(target, check_same_thread=False)


def _primary_key(conn: sqlite3.Connection, table: str) -> list[str]:
    info = conn.execute(f"PRAGMA table_info({table})").fetchall()
    return [row[1] for row in sorted(info, key=lambda row: row[5]) if row[5] > 0]


def table_counts(conn: sqlite3.Connection) -> dict[str, int]:
    return {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES}


def table_digest(conn: sqlite3.Connection, tables: tuple[str, ...] = TABLES) -> str:
    """sha256 over the tables' columns and rows, rows ordered by primary key.

    ``tables=CORE_TABLES`` digests the original five tables only (what later tables must
    leave unchanged).
    """
    digest = hashlib.sha256()
    cursor = conn.cursor()
    cursor.row_factory = None
    for table in tables:
        columns = [row[1] for row in cursor.execute(f"PRAGMA table_info({table})").fetchall()]
        digest.update(f"{table}({','.join(columns)})\n".encode())
        key = ", ".join(_primary_key(conn, table))
        for row in cursor.execute(f"SELECT * FROM {table} ORDER BY {key}"):
            digest.update(f"{tuple(row)!r}\n".encode())
    return digest.hexdigest()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Rebuild the store database and describe it.")
    parser.add_argument(
        "--out", type=Path, default=SHIPPED, help="where to write the file (default: data/store.db)"
    )
    parser.add_argument("--seed", type=int, default=STORE_SEED)
    parser.add_argument("--size", choices=SIZES, default="full")
    parser.add_argument("--edge-cases", action="store_true")
    args = parser.parse_args(argv)
    build_store(args.out, seed=args.seed, size=args.size, edge_cases=args.edge_cases)
    conn = connect(args.out)
    try:
        print(f"{args.out}  ({args.out.stat().st_size:,} bytes)")
        for table, count in table_counts(conn).items():
            print(f"{table:12s} {count:>7,}")
        print(f"digest {table_digest(conn)}")
        print(f"core digest {table_digest(conn, CORE_TABLES)}  ({', '.join(CORE_TABLES)})")
    finally:
        conn.close()


if __name__ == "__main__":
    main()
