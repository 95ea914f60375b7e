"""The signed-in user read from the shared cache instead of the database (ADR 0205).

Every request of a signed-in user loads their row (Django's ``ModelBackend.get_user``): one
query on every page, cached or not. ``accounts.backends.CachedUserBackend`` keeps the row in the
``sessions`` cache (Redis in production, else files in the work directory that every worker
process shares) under a per-user *version*, read before the row, like the pages' generation
(``core.pagecache``):

* every ``save()`` and ``delete()`` of a user (the admin, the services, Django's password
  change, ``createsuperuser``) and every ``update()``/``delete()`` of a queryset of users
  (``User.save``/``delete``, ``UserQuerySet``; no signals) moves that user's version on, at
  once and again after the commit, so a changed role, scope, ``is_active`` or password is read
  from the database on the very next request; a reader that read the row before the commit
  stored it under a version no one reads again;
* the stored copy has no password hash: it carries the session hash Django checks on every
  request (``User.get_session_auth_hash``), and the hash itself is loaded from the database
  only where something needs it (a password change form, an old secret key's sessions).

Only a write that bypasses the ORM (raw SQL) is not heard; such a user's cached row lives at
most ``USER_CACHE_SECONDS``.
"""

from __future__ import annotations

import copy
import secrets
from collections.abc import Iterable
from typing import Any

from django.core.cache import caches
from django.db import transaction

from keleshek.core.pagecache import shared_token

CACHE_ALIAS = "sessions"
SESSION_HASH_ATTR = "_keleshek_session_auth_hash"
USER_CACHE_SECONDS = 600


def _cache() -> Any:
    return caches[CACHE_ALIAS]


def _version_key(pk: object) -> str:
    return f"keleshek:user-version:{pk}"


def _version(pk: object) -> str:
    return shared_token(_cache(), _version_key(pk))


def _bump(pks: Iterable[object]) -> None:
    cache = _cache()
    cache.set_many({_version_key(pk): secrets.token_hex(8) for pk in pks}, timeout=None)


def forget(pks: Iterable[object]) -> None:
    """These users' rows changed: read them from the database from now on, and again after
    the commit (a request that read the old row in between stored it under a dead version)."""
    keys = [str(pk) for pk in pks]
    if not keys:
        return
    _bump(keys)
    transaction.on_commit(lambda: _bump(keys))


def _storable(user: Any) -> Any:
    """A copy without the password hash (a deferred field: loaded again if read), with the
    session hash that stands for it."""
    stored = copy.copy(user)
    stored.__dict__ = dict(user.__dict__)
    stored.__dict__[SESSION_HASH_ATTR] = user.get_session_auth_hash()
    stored.__dict__.pop("password", None)
    stored.__dict__.pop("_password", None)
    return stored


def read(user_id: Any, load: Any) -> Any | None:
    """The user ``user_id`` from the cache, else ``load(user_id)``'s, stored."""
    key = f"keleshek:user:{user_id}:{_version(user_id)}"
    cache = _cache()
    user = cache.get(key)
    if user is None:
        user = load(user_id)
        if user is not None:
            cache.set(key, _storable(user), timeout=USER_CACHE_SECONDS)
    return user
