"""Checks that a value is what its TypedDict says, keys and types, nested dicts and lists
included: the types of the dict-shaped contracts (status state, notification and webhook
payloads, bounces) are checked against what the code really builds, so they cannot drift."""

import types
import typing


def problems(value, hint, where="value"):
    """What in `value` does not match `hint` (a TypedDict, list[...], X | None, a class)."""
    hint = getattr(hint, "__value__", hint)  # a `type X = ...` alias
    origin = typing.get_origin(hint)
    if typing.is_typeddict(hint):
        if not isinstance(value, dict):
            return [f"{where}: {type(value).__name__}, not a dict"]
        found = []
        missing = hint.__required_keys__ - value.keys()
        unknown = value.keys() - hint.__required_keys__ - hint.__optional_keys__
        if missing:
            found.append(f"{where}: missing {sorted(missing)}")
        if unknown:
            found.append(f"{where}: unknown {sorted(unknown)}")
        for key, item_hint in typing.get_type_hints(hint).items():
            if key in value:
                found += problems(value[key], item_hint, f"{where}[{key!r}]")
        return found
    if origin in (typing.Union, types.UnionType):
        options = [problems(value, option, where) for option in typing.get_args(hint)]
        return [] if any(not found for found in options) else min(options, key=len)
    if origin is typing.Literal:
        return [] if value in typing.get_args(hint) else [f"{where}: {value!r} not allowed"]
    if origin is list:
        if not isinstance(value, list):
            return [f"{where}: {type(value).__name__}, not a list"]
        (item_hint,) = typing.get_args(hint)
        return [
            p for i, item in enumerate(value) for p in problems(item, item_hint, f"{where}[{i}]")
        ]
    if origin is dict:
        if not isinstance(value, dict):
            return [f"{where}: {type(value).__name__}, not a dict"]
        key_hint, item_hint = typing.get_args(hint)
        return [
            p
            for key, item in value.items()
            for p in problems(key, key_hint, f"{where} key")
            + problems(item, item_hint, f"{where}[{key!r}]")
        ]
    if hint is None or hint is types.NoneType:
        return [] if value is None else [f"{where}: {value!r}, not None"]
    if hint is typing.Any:
        return []
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        return []
    if hint is int and isinstance(value, bool):
        return [f"{where}: a bool, not an int"]
    if isinstance(hint, type) and isinstance(value, hint):
        return []
    name = getattr(hint, "__name__", repr(hint))
    return [f"{where}: {type(value).__name__} {value!r:.60}, not {name}"]


def assert_shape(value, hint):
    found = problems(value, hint)
    assert not found, "\n".join(found)
