import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keleshek.settings.production")
application = get_wsgi_application()

# Import the URLconf and every view now, not on a visitor's first request (about two seconds):
# a broken import stops the server at start, and with gunicorn's --preload (`keleshek serve`)
# the web workers fork with everything loaded and share it.
get_resolver().url_patterns  # noqa: B018 - evaluated for its import side effect
