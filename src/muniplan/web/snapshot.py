"""Engine results as bytes and back, for keeping them in the store: a numpy ``.npz``
archive of the arrays plus one JSON header describing the objects around them.

Why not pickle: a pickle read back from a database runs whatever code it names. Here only
the dataclasses the caller allows are rebuilt, from their declared fields; everything else is
JSON and plain arrays (``allow_pickle=False``).
"""

from __future__ import annotations

import dataclasses
import io
import json
from collections.abc import Iterable
from typing import Any

import numpy as np


def _name(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


def dumps(obj: Any, allowed: Iterable[type]) -> bytes:
    """``obj`` (dataclasses of ``allowed``, arrays, dicts with str keys, lists, tuples and
    scalars) as bytes; anything else is a :class:`TypeError`."""
    names = {_name(c) for c in allowed}
    arrays: list[np.ndarray] = []

    def enc(x: Any) -> Any:
        if x is None or isinstance(x, bool | int | float | str):
            return x
        if isinstance(x, np.generic):
            return x.item()
        if isinstance(x, np.ndarray):
            arrays.append(x)
            return {"__array__": len(arrays) - 1}
        if dataclasses.is_dataclass(x) and not isinstance(x, type):
            name = _name(type(x))
            if name not in names:
                raise TypeError(f"{name} is not allowed in a snapshot")
            return {"__dc__": name, "fields": {f.name: enc(getattr(x, f.name))
                                               for f in dataclasses.fields(x) if f.init}}
        if isinstance(x, tuple):
            return {"__tuple__": [enc(v) for v in x]}
        if isinstance(x, list):
            return [enc(v) for v in x]
        if isinstance(x, dict):
            if not all(isinstance(k, str) for k in x):
                raise TypeError("a snapshot's dict keys must be strings")
            return {"__map__": {k: enc(v) for k, v in x.items()}}
        raise TypeError(f"cannot keep a {type(x).__name__} in a snapshot")

    header = json.dumps(enc(obj))
    buf = io.BytesIO()
    np.savez(buf, header=np.frombuffer(header.encode(), dtype=np.uint8),
             **{f"a{i}": a for i, a in enumerate(arrays)})
    return buf.getvalue()


def loads(payload: bytes, allowed: Iterable[type]) -> Any:
    """The object :func:`dumps` wrote; a class not in ``allowed`` is a :class:`TypeError`."""
    classes = {_name(c): c for c in allowed}
    with np.load(io.BytesIO(payload), allow_pickle=False) as z:
        header = json.loads(bytes(z["header"]).decode())
        arrays = {name: z[name] for name in z.files if name != "header"}

    def dec(x: Any) -> Any:
        if isinstance(x, list):
            return [dec(v) for v in x]
        if not isinstance(x, dict):
            return x
        if "__array__" in x:
            return arrays[f"a{x['__array__']}"]
        if "__tuple__" in x:
            return tuple(dec(v) for v in x["__tuple__"])
        if "__map__" in x:
            return {k: dec(v) for k, v in x["__map__"].items()}
        cls = classes.get(x.get("__dc__", ""))
        if cls is None:
            raise TypeError(f"{x.get('__dc__')!r} is not allowed in a snapshot")
        return cls(**{k: dec(v) for k, v in x["fields"].items()})

    return dec(header)
