"""Reuse a per-case result while one evaluation asks several engines for it.

Cases and knowledge bases are immutable once validated, so a result keyed by the
very case object (identity, not equality) and the knowledge-base object is safe
to reuse. The cache keeps the objects it keys on, so an id is never recycled
while its entry lives; it holds only the few most recent cases.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

R = TypeVar("R")


def per_case(size: int = 16) -> Callable[[Callable[..., R]], Callable[..., R]]:
    def decorate(fn: Callable[..., R]) -> Callable[..., R]:
        cache: OrderedDict[tuple[Any, ...], tuple[Any, Any, R]] = OrderedDict()
        lock = threading.Lock()

        @functools.wraps(fn)
        def wrapper(case: Any, kb: Any, *args: Any, **kwargs: Any) -> R:
            key = (id(case), id(kb), repr(args), repr(sorted(kwargs.items())))
            with lock:
                hit = cache.get(key)
            if hit is not None and hit[0] is case and hit[1] is kb:
                return hit[2]
            result = fn(case, kb, *args, **kwargs)
            with lock:
                cache[key] = (case, kb, result)
                while len(cache) > size:
                    cache.popitem(last=False)
            return result

        return wrapper

    return decorate


def per_kb(fn: Callable[[Any], R]) -> Callable[[Any], R]:
    """Build once per knowledge-base object (compiled rules and trials).

    The cache holds the knowledge base itself, so a key (its id) is never reused
    by another object while the entry lives; a rebuilt or modified knowledge
    base is a different object and builds afresh.
    """
    cache: OrderedDict[int, tuple[Any, R]] = OrderedDict()
    lock = threading.Lock()

    @functools.wraps(fn)
    def wrapper(kb: Any) -> R:
        with lock:
            hit = cache.get(id(kb))
            if hit is not None and hit[0] is kb:
                cache.move_to_end(id(kb))
                return hit[1]
        built = fn(kb)
        with lock:
            cache[id(kb)] = (kb, built)
            while len(cache) > 8:
                cache.popitem(last=False)
        return built

    return wrapper
