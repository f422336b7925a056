"""Make frozen, slotted records at the speed of mutable ones, for the few hot constructors.

A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``, because its
own ``__setattr__`` refuses: about 1.8 µs for a 14-field ``Finding``, against 0.4 µs for the
same slots set directly. The evaluator makes one ``Finding`` per rule and dataset (1.4 million
at 100k datasets) and the facts reader four records per replica, so that difference was a
tenth of an audit.

``builder(cls)`` returns a mutable twin class (same slots, same order) whose ``__init__``
has ``cls``'s own signature and defaults: it fills the slots and then makes the instance a
``cls``, so the object is exactly what ``cls(...)`` returns, frozen from then on. Only a
plain slotted dataclass qualifies (no base class, no ``__post_init__``, no field outside
``__init__``, none keyword-only); for anything else ``builder`` returns ``cls`` itself, so
the result is always correct.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


def builder(cls: Callable[P, T]) -> Callable[P, T]:
    """A constructor of ``cls`` records, quicker than ``cls`` when ``cls`` qualifies: the
    twin class itself, whose ``__init__`` sets the slots and then the object's class (no
    wrapping function between the caller and the twin: a third of the remaining cost)."""
    kind: Any = cls
    if not _qualifies(kind):
        return cls
    fields = dataclasses.fields(kind)
    twin: Any = type(f"_{kind.__name__}Draft", (), {
        "__slots__": kind.__slots__, "__init__": _init(kind, fields),
        "__doc__": f"A new {kind.__name__} (see ``quickbuild``).",
        "__module__": kind.__module__})
    if twin.__slots__ != kind.__slots__ or twin.__basicsize__ != kind.__basicsize__:
        return cls
    return twin  # type: ignore[no-any-return]


class _Factory:
    """The default of a field made by a default factory: the factory is called for it."""

    def __repr__(self) -> str:
        return "<factory>"


_NO_VALUE = _Factory()


def _init(kind: type, fields: tuple[dataclasses.Field[Any], ...]) -> Callable[..., None]:
    """An ``__init__`` with the signature of ``kind``'s own (names, order, defaults) that
    stores each argument in its slot, then makes the object a ``kind``. Written from the
    field names of a class of this package, as ``dataclasses`` writes ``__init__`` itself."""
    names: dict[str, Any] = {"_kind": kind, "_NO_VALUE": _NO_VALUE}
    params, body = [], []
    for i, f in enumerate(fields):
        if not f.name.isidentifier():
            raise TypeError(f"{kind.__name__}.{f.name} is not a plain field name")
        if f.default is not dataclasses.MISSING:
            names[f"_default_{i}"] = f.default
            params.append(f"{f.name}=_default_{i}")
            body.append(f"    self.{f.name} = {f.name}")
        elif f.default_factory is not dataclasses.MISSING:
            names[f"_factory_{i}"] = f.default_factory
            params.append(f"{f.name}=_NO_VALUE")
            body.append(f"    self.{f.name} = _factory_{i}() if {f.name} is _NO_VALUE "
                        f"else {f.name}")
        else:
            params.append(f.name)
            body.append(f"    self.{f.name} = {f.name}")
    source = "\n".join([f"def __init__(self, {', '.join(params)}):", *body,
                        "    self.__class__ = _kind"])
    exec(source, names)  # our own field names, checked above
    init: Callable[..., None] = names["__init__"]
    return init


def _qualifies(cls: Any) -> bool:
    """A frozen slotted dataclass straight on ``object``, every field set by ``__init__``
    and none keyword-only (``fields`` leaves out class variables and init-only
    pseudo-fields)."""
    params = getattr(cls, "__dataclass_params__", None)
    return (isinstance(cls, type) and params is not None and params.frozen
            and "__slots__" in cls.__dict__ and cls.__bases__ == (object,)
            and not hasattr(cls, "__post_init__")
            and all(f.init and not f.kw_only for f in dataclasses.fields(cls)))
