"""Immutable, slotted records for the modules every command loads: what ``dataclass(frozen=True,
slots=True)`` gave them, without its cost at start-up.

Making a dataclass compiles six methods from source and, with slots, makes the class twice; for the
forty-odd records a ``check`` loads that was a fifth of its start-up, and importing ``dataclasses``
brings ``inspect`` as well.  :func:`frozen` compiles only ``__init__`` and shares the rest
(assignment refused, equality, hashing and repr by the fields, in order) from :class:`Frozen`.
Type checkers read the decorator as a frozen dataclass (:func:`typing.dataclass_transform`).
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar, dataclass_transform

T = TypeVar("T")
_CLASS_VARIABLE = ("ClassVar", "typing.ClassVar")


class Frozen:
    """The methods every :func:`frozen` record shares."""

    __slots__ = ()
    _fields: ClassVar[tuple[str, ...]] = ()

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"cannot assign to field '{name}' of a {type(self).__name__}: it is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field '{name}' of a {type(self).__name__}: it is immutable")

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self._fields)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Frozen)
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """Pickled (for worker processes) and copied by its fields, never by assigning to them."""
        return type(self), self._values()

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__name__}({shown})"


@dataclass_transform(frozen_default=True)
def frozen(cls: type[T]) -> type[T]:
    """``cls`` as an immutable record: its annotated names (ClassVar aside) are its fields, in
    order, each a slot; a class attribute of the same name is that field's default."""
    if cls.__bases__ != (object,):
        raise TypeError(f"{cls.__name__}: a frozen record cannot inherit from another class")
    annotations: dict[str, Any] = dict(cls.__annotations__)  # the class's own: it has no base but object
    fields = tuple(name for name, kind in annotations.items() if not str(kind).startswith(_CLASS_VARIABLE))
    namespace = {key: value for key, value in cls.__dict__.items() if key not in (*fields, "__dict__", "__weakref__")}
    defaults = {name: cls.__dict__[name] for name in fields if name in cls.__dict__}
    namespace.update(__slots__=fields, _fields=fields, __init__=_init(cls.__name__, fields, defaults))
    made: type[T] = type(cls.__name__, (Frozen,), namespace)
    return made


def _init(name: str, fields: tuple[str, ...], defaults: dict[str, Any]) -> Any:
    """The record's ``__init__``, compiled once: positional or keyword arguments, in field order."""
    parameters = ", ".join(f"{field}=_default_{field}" if field in defaults else field for field in fields)
    body = "".join(f"    _set(self, {field!r}, {field})\n" for field in fields) or "    pass\n"
    scope: dict[str, Any] = {"_set": object.__setattr__, **{f"_default_{k}": v for k, v in defaults.items()}}
    exec(f"def __init__(self, {parameters}):\n{body}", scope)
    init = scope["__init__"]
    init.__qualname__ = f"{name}.__init__"
    return init


def fields(record: Any) -> tuple[str, ...]:
    """The field names of a record (``dataclasses.fields`` for :func:`frozen` records)."""
    names: tuple[str, ...] = record._fields
    return names


def replace(record: T, **changes: Any) -> T:
    """A copy of ``record`` with some fields changed (``dataclasses.replace``)."""
    assert isinstance(record, Frozen)
    values = {name: getattr(record, name) for name in record._fields}
    values.update(changes)
    made: T = type(record)(**values)
    return made
