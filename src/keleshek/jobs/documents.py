"""Documents rendered before they are asked for (ADR 0194).

A document kind (route sheets, the transport scheme, the briefing) registers two functions with
:func:`register`: ``source(params)``, the document's exact input — the HTML a PDF is made from,
cheap to build — and ``render(source)``, the slow part (WeasyPrint). A kind may also give
``version(params)``, a cheaper fingerprint of its input, when even the source is slow to build.

:func:`get` builds the fingerprint (by default the SHA-256 of the source) and serves the stored
file made from exactly that input; only when there is none does it render, store and serve.
So a download is never older than its records, and a stored file is what a fresh render gives.
The background job ``documents.render`` (:func:`prepare`) renders ahead: when a plan completes,
when the indicators refresh, and when records change (:func:`recheck`: every stored document of
the kinds a change touches is built again and re-rendered if its input moved).

Files live under ``MEDIA_ROOT/documents/<kind>/<key>/``: the document named by its fingerprint,
and ``params.json`` so that the stored documents can be found again. Written atomically; the
previous version of a key is deleted when a new one is stored.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from keleshek.core import charts

from .models import Job
from .services import Progress, enqueue, handler

JOB_KIND = "documents.render"
Params = dict[str, Any]


class Gone(Exception):
    """The records a stored document was made from no longer exist."""


@dataclass(frozen=True)
class Kind:
    name: str
    source: Callable[[Params], str]
    render: Callable[[str], bytes]
    version: Callable[[Params], str] | None = None
    suffix: str = "pdf"


@dataclass(frozen=True)
class Document:
    content: bytes
    fingerprint: str
    rendered: bool  # False: served as stored
    seconds: float  # the render's time (0 when served as stored)


KINDS: dict[str, Kind] = {}


def register(
    name: str,
    *,
    source: Callable[[Params], str],
    render: Callable[[str], bytes],
    version: Callable[[Params], str] | None = None,
    suffix: str = "pdf",
) -> None:
    KINDS[name] = Kind(name, source, render, version, suffix)


def enabled() -> bool:
    """Rendering ahead and storing are on unless the settings turn them off (the test settings
    do: other tests then render every download, as before, and write no files)."""
    return bool(settings.KELESHEK.get("DOCUMENTS_AHEAD", True))


def _root() -> Path:
    return Path(settings.MEDIA_ROOT) / "documents"


def _folder(kind: str, params: Params) -> Path:
    key = hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()[:32]
    return _root() / kind / key


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _write(path: Path, content: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(content)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _store(kind: Kind, params: Params, fingerprint: str, content: bytes) -> None:
    folder = _folder(kind.name, params)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{fingerprint}.{kind.suffix}"
    _write(folder / "params.json", json.dumps(params, sort_keys=True).encode())
    _write(path, content)
    for old in folder.glob(f"*.{kind.suffix}"):
        if old != path:
            with contextlib.suppress(FileNotFoundError):
                old.unlink()


def stored_path(kind: str, params: Params) -> Path | None:
    """The file stored for a document, whichever version it is (None: none yet)."""
    k = KINDS[kind]
    return next(iter(sorted(_folder(kind, params).glob(f"*.{k.suffix}"))), None)


def _source(kind: Kind, params: Params) -> str:
    # Charts numbered from 1 in each document: the same records, the same source.
    with charts.numbered_in_document():
        return kind.source(params)


def get(kind: str, params: Params) -> Document:
    """The document for ``params``: the stored file if it was made from the current input,
    else rendered now (and stored for the next reader). Raises :class:`Gone` when its records
    no longer exist."""
    k = KINDS[kind]
    if not enabled():  # no store (the test settings): every download renders
        html = _source(k, params)
        t0 = time.perf_counter()
        content = k.render(html)
        return Document(content, _digest(html), True, time.perf_counter() - t0)
    source: str | None = None
    if k.version is not None:
        fingerprint = _digest(k.version(params))
    else:
        source = _source(k, params)
        fingerprint = _digest(source)
    path = _folder(kind, params) / f"{fingerprint}.{k.suffix}"
    try:
        return Document(path.read_bytes(), fingerprint, False, 0.0)
    except FileNotFoundError:
        pass
    if source is None:
        source = _source(k, params)
    t0 = time.perf_counter()
    content = k.render(source)
    seconds = time.perf_counter() - t0
    _store(k, params, fingerprint, content)
    return Document(content, fingerprint, True, seconds)


def stored(kinds: Iterable[str] | None = None) -> list[tuple[str, Params]]:
    """Every stored document (kind, params) of ``kinds`` (all kinds when None)."""
    out: list[tuple[str, Params]] = []
    for kind in sorted(KINDS if kinds is None else kinds):
        base = _root() / kind
        if not base.is_dir():
            continue
        for meta in sorted(base.glob("*/params.json")):
            with contextlib.suppress(OSError, ValueError):
                out.append((kind, json.loads(meta.read_text())))
    return out


def forget(kind: str, params: Params) -> None:
    folder = _folder(kind, params)
    for f in folder.glob("*"):
        with contextlib.suppress(FileNotFoundError):
            f.unlink()
    with contextlib.suppress(OSError):
        folder.rmdir()


def prepare(documents: list[tuple[str, Params]], *, user: Any = None) -> Job | None:
    """Render ``documents`` in the background (after the current transaction commits). Asking
    again while the same set waits in the queue adds nothing."""
    if not enabled() or not documents:
        return None
    wanted = [[kind, params] for kind, params in documents]
    waiting = Job.objects.filter(kind=JOB_KIND, status=Job.Status.QUEUED)
    for job in waiting:
        if job.params.get("documents") == wanted:
            return job
    return enqueue(kind=JOB_KIND, params={"documents": wanted}, user=user)


def recheck(kinds: Iterable[str]) -> Job | None:
    """Records changed: build every stored document of ``kinds`` again in the background and
    re-render those whose input moved."""
    if not enabled():
        return None
    docs = stored(kinds)
    if not docs:
        return None
    return prepare(docs)


def prepare_on_commit(documents: Callable[[], list[tuple[str, Params]]]) -> None:
    """``prepare`` what ``documents()`` lists once the current transaction commits."""
    if enabled():
        transaction.on_commit(lambda: prepare(documents()))


@handler(JOB_KIND)
def _render_job(job: Job, progress: Progress) -> dict[str, Any]:
    docs = job.params.get("documents", [])
    rendered, seconds = 0, 0.0
    for n, (kind, params) in enumerate(docs, start=1):
        if kind not in KINDS:
            continue
        try:
            doc = get(kind, params)
        except Gone:
            forget(kind, params)
            continue
        rendered += int(doc.rendered)
        seconds += doc.seconds
        progress(100 * n / max(len(docs), 1), f"{n} of {len(docs)}")
    return {"documents": len(docs), "rendered": rendered, "seconds": round(seconds, 2)}
