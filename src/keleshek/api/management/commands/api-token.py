"""``keleshek api-token create <username> [--name NAME]`` prints a new token once;
``api-token list [<username>]`` and ``api-token revoke <prefix>`` manage existing ones."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from keleshek.api.models import ApiToken
from keleshek.api.services import api_token_create, api_token_revoke
from keleshek.core.context import acting_as


class Command(BaseCommand):
    help = "Create, list or revoke API tokens for integrators."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a token and print it once")
        create.add_argument("username")
        create.add_argument("--name", default="", help="what the token is for")
        listing = sub.add_parser("list", help="list tokens (prefixes only)")
        listing.add_argument("username", nargs="?")
        revoke = sub.add_parser("revoke", help="revoke a token by its prefix")
        revoke.add_argument("prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        with acting_as(None, via="cli"):
            getattr(self, f"_{options['action']}")(options)

    def _create(self, options: dict[str, Any]) -> None:
        user_model = get_user_model()
        try:
            owner = user_model.objects.get(username=options["username"])
        except user_model.DoesNotExist:
            raise CommandError(f"no user {options['username']!r}") from None
        if not owner.is_active:
            raise CommandError(f"user {owner.username!r} is not active")
        row, token = api_token_create(owner=owner, name=options["name"])
        self.stderr.write(
            f"Token {row.prefix}… for {owner.username}: shown once, store it now; "
            "only its hash is kept."
        )
        self.stdout.write(token)

    def _list(self, options: dict[str, Any]) -> None:
        qs = ApiToken.objects.select_related("owner").order_by("created_at")
        if options.get("username"):
            qs = qs.filter(owner__username=options["username"])
        for row in qs:
            state = f"revoked {row.revoked_at:%Y-%m-%d}" if row.revoked_at else "active"
            used = f"{row.last_used_at:%Y-%m-%d %H:%M}" if row.last_used_at else "never"
            self.stdout.write(
                f"{row.prefix}\t{row.owner.username}\t{row.name}\t{state}\tlast used {used}"
            )

    def _revoke(self, options: dict[str, Any]) -> None:
        rows = list(ApiToken.objects.filter(prefix=options["prefix"]))
        if len(rows) != 1:
            raise CommandError(f"{len(rows)} tokens have the prefix {options['prefix']!r}")
        api_token_revoke(token=rows[0])
        self.stdout.write(f"revoked {rows[0].prefix}")
