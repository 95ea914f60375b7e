"""Locale formats Django does not ship (FORMAT_MODULE_PATH, ADR 0145).

Django has no formats for Kazakh, so a Kazakh page fell back to the global settings: no digit
grouping ("116768") and a decimal point. ``kk`` follows the Russian conventions that Kazakhstan
uses in print: a non-breaking space between thousands, a decimal comma, day.month.year.
"""
