"""English as read in Kazakhstan: ISO dates in tables instead of the American month/day/year
(Django's English formats otherwise apply; ADR 0145)."""

SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
