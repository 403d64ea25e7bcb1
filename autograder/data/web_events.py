"""A store's clickstream: sessions of web events (search, view, cart, checkout, purchase).

Built by :func:`autograder.data.store.build_store` into the table ``web_events`` from its own
random stream, so adding it changed no other table. Funnel questions need sessions whose
events are not tidy: steps repeat, some arrive out of funnel order (a cart before any view, a
purchase logged before its checkout), some sessions skip the first step, and event ids
follow the time an event *reached the server*, which can lag the time it happened. With
``edge_cases`` every one of those shapes is guaranteed to occur (hidden variants).
"""

from __future__ import annotations

import numpy as np

SCHEMA = """
CREATE TABLE web_events (
    event_id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL,
    event_type TEXT NOT NULL,
    product_id INTEGER NULL REFERENCES products(product_id),
    occurred_at TEXT NOT NULL
);
"""
INDEXES = "CREATE INDEX idx_web_events_session_id ON web_events(session_id);\n"

EVENT_TYPES = ("search", "view", "cart", "checkout", "purchase")
FUNNEL = ("view", "cart", "checkout", "purchase")

# session shapes that make a funnel query think: name -> event types in time order
UNTIDY_SHAPES: dict[str, tuple[str, ...]] = {
    "cart_before_view": ("cart", "view"),  # reaches view only
    "cart_view_cart": ("cart", "view", "cart", "checkout"),  # reaches checkout
    "checkout_before_cart": ("view", "checkout", "cart"),  # reaches cart only
    "purchase_before_checkout": ("view", "cart", "purchase", "checkout"),  # reaches checkout
    "no_view": ("cart", "checkout", "purchase"),  # reaches nothing
    "repeats": ("view", "view", "cart", "cart", "checkout", "checkout", "purchase", "purchase"),
}


def _tidy_shape(rng: np.random.Generator) -> list[str]:
    shape = ["search"] * int(rng.integers(0, 3))
    shape += ["view"] * int(rng.geometric(0.45))
    if rng.random() < 0.38:
        shape += ["cart"] * (1 + int(rng.random() < 0.2))
        if rng.random() < 0.6:
            shape.append("checkout")
            if rng.random() < 0.72:
                shape.append("purchase")
    return shape


def build_rows(
    rng: np.random.Generator,
    *,
    sessions: int,
    start_second: int,
    end_second: int,
    products: list[tuple[int, int]],
    edge_cases: bool,
    timestamps,
) -> list[tuple]:
    """Rows of ``web_events``: ``sessions`` sessions starting in [start_second, end_second).

    ``products`` holds (product_id, launch second); a viewed product has launched.
    ``timestamps`` turns an array of seconds into the store's text timestamps.
    """
    ids = np.array([p for p, _ in products])
    launched = np.array([t for _, t in products])
    shapes: list[list[str]] = []
    untidy = list(UNTIDY_SHAPES.values())
    for _ in range(sessions):
        if rng.random() < (0.12 if edge_cases else 0.07):
            shape = list(untidy[int(rng.integers(len(untidy)))])
        else:
            shape = _tidy_shape(rng)
        shapes.append(shape)
    if edge_cases:  # every untidy shape at least twice, wherever the draws fell
        slots = rng.choice(sessions, size=2 * len(untidy), replace=False)
        for slot, shape in zip(slots, untidy * 2, strict=True):
            shapes[int(slot)] = list(shape)

    starts = np.sort(rng.integers(start_second, end_second - 6 * 3600, size=sessions))
    events = []  # (arrival second, occurred second, session, type, product)
    for session, (shape, begin) in enumerate(zip(shapes, starts.tolist(), strict=True), start=1):
        t = int(begin)
        live = ids[launched <= t]
        viewed: list[int] = []
        for kind in shape:
            t += int(rng.integers(4, 240))
            product = None
            if kind == "view":
                product = int(live[int(rng.integers(live.size))])
                viewed.append(product)
            elif kind == "cart":
                product = viewed[-1] if viewed else int(live[int(rng.integers(live.size))])
            events.append([t, t, session, kind, product])
    # events reach the server late now and then: ids follow arrival, not occurrence
    late = rng.random(len(events)) < (0.06 if edge_cases else 0.03)
    for event, is_late in zip(events, late.tolist(), strict=True):
        if is_late:
            event[0] += int(rng.integers(60, 1200))
    if edge_cases:  # a view that arrived after the cart it led to
        for event, following in zip(events, events[1:], strict=False):
            if event[2] == following[2] and (event[3], following[3]) == ("view", "cart"):
                event[0] = following[1] + 30
                break
    events.sort(key=lambda e: (e[0], e[1], e[2]))
    stamps = timestamps(np.array([e[1] for e in events], dtype=np.int64))
    return [
        (number, session, kind, product, stamp)
        for number, ((_, _, session, kind, product), stamp) in enumerate(
            zip(events, stamps, strict=True), start=1
        )
    ]
