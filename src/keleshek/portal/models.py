"""The catalogue's stored search documents (docs/adr/0070 and 0115).

One row per (offering, term): the inverted index of the lemmatised text of an offering,
its specialty, institution and settlement, each term weighted by the field it comes from; and
the vocabulary of all terms, which typo correction searches. It is derived data, rebuilt by
``portal.services.search_index_refresh`` after imports and by a periodic job.

On PostgreSQL, ``portal_searchdocument`` also has a ``vector`` column (a weighted ``tsvector``
of the same terms, GIN-indexed) and the vocabulary a pg_trgm trigram index; migration 0002
creates both with raw SQL, only there, so the models do not declare them.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from keleshek.programmes.models import Offering


class SearchDocument(models.Model):
    """The normalised text of one offering and a fingerprint of its sources."""

    offering = models.OneToOneField(
        Offering,
        verbose_name=_("offering"),
        on_delete=models.CASCADE,
        related_name="search_document",
    )
    text = models.TextField(_("normalised text"))
    fingerprint = models.CharField(_("source fingerprint"), max_length=64)
    built_at = models.DateTimeField(_("built at"), auto_now=True)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")

    def __str__(self) -> str:
        return f"search document of offering {self.offering_id}"


class SearchTerm(models.Model):
    """One normalised term (a lemma or a normalised word form) of one offering."""

    offering = models.ForeignKey(
        Offering, verbose_name=_("offering"), on_delete=models.CASCADE, related_name="+"
    )
    term = models.CharField(_("term"), max_length=64, db_index=True)
    # out of 100: the field's weight (specialty 100 ... description 25) times the term's quality
    weight = models.PositiveSmallIntegerField(_("weight"), default=100)

    class Meta:
        verbose_name = _("search term")
        verbose_name_plural = _("search terms")
        constraints = [
            models.UniqueConstraint(fields=["term", "offering"], name="portal_search_term_key")
        ]

    def __str__(self) -> str:
        return self.term


class SearchVocabulary(models.Model):
    """Every distinct term of the index: what a misspelt query word is corrected to."""

    term = models.CharField(_("term"), max_length=64, unique=True)
    length = models.PositiveSmallIntegerField(_("length"), db_index=True)

    class Meta:
        verbose_name = _("search vocabulary term")
        verbose_name_plural = _("search vocabulary")

    def __str__(self) -> str:
        return self.term
