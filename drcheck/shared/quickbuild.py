"""Make frozen, slotted records at the speed of mutable ones, for the few hot constructors.

A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``, because its
own ``__setattr__`` refuses: about 1.8 µs for a 14-field ``Finding``, against 0.4 µs for the
same slots set directly. The evaluator makes one ``Finding`` per rule and dataset (1.4 million
at 100k datasets) and the facts reader four records per replica, so that difference was a
tenth of an audit.

``builder(cls)`` returns a function with ``cls``'s own signature that fills a mutable twin
class (same slots, same order, same defaults) and then makes the instance a ``cls``: the
object is then exactly what ``cls(...)`` returns, frozen from then on. Only a plain slotted
dataclass qualifies (no base class, no ``__post_init__``, no field outside ``__init__``);
for anything else ``builder`` returns ``cls`` itself, so the result is always correct.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


def builder(cls: Callable[P, T]) -> Callable[P, T]:
    """A constructor of ``cls`` records, quicker than ``cls`` when ``cls`` qualifies."""
    kind: Any = cls
    if not _qualifies(kind):
        return cls
    twin: Any = dataclasses.make_dataclass(
        f"_{kind.__name__}Draft", [(f.name, f.type, _same_default(f))
                                   for f in dataclasses.fields(kind)],
        slots=True, eq=False, repr=False, match_args=False)
    if twin.__slots__ != kind.__slots__ or twin.__basicsize__ != kind.__basicsize__:
        return cls

    def build(*args: P.args, **kwargs: P.kwargs) -> T:
        made = twin(*args, **kwargs)
        made.__class__ = kind
        return made  # type: ignore[no-any-return]

    build.__doc__ = f"A new {kind.__name__} (see ``quickbuild``)."
    return build


def _qualifies(cls: Any) -> bool:
    """A frozen slotted dataclass straight on ``object``, every field set by ``__init__``
    (``fields`` leaves out class variables and init-only pseudo-fields)."""
    params = getattr(cls, "__dataclass_params__", None)
    return (isinstance(cls, type) and params is not None and params.frozen
            and "__slots__" in cls.__dict__ and cls.__bases__ == (object,)
            and not hasattr(cls, "__post_init__")
            and all(f.init for f in dataclasses.fields(cls)))


def _same_default(f: dataclasses.Field[Any]) -> Any:
    """A field for the twin with ``f``'s default or default factory."""
    if f.default is not dataclasses.MISSING:
        return dataclasses.field(default=f.default)
    if f.default_factory is not dataclasses.MISSING:
        return dataclasses.field(default_factory=f.default_factory)
    return dataclasses.field()
