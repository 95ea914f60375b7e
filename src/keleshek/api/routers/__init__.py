"""One router per registry group; mounted in ``keleshek.api.main``."""
