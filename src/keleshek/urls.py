from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

urlpatterns: list[URLPattern | URLResolver] = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("keleshek.core.urls")),
    path("api/", include("keleshek.api.urls")),
]
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("accounts/", include("keleshek.accounts.urls")),
    path("staff/", include("keleshek.portal.staff_urls")),
    path("intake/", include("keleshek.intake.urls")),
    path("support/", include("keleshek.support.urls")),
    path("fund/", include("keleshek.support.public_urls")),
    path("transport/", include("keleshek.transport.urls")),
    path("census/", include("keleshek.census.urls")),
    path("reports/", include("keleshek.reports.urls")),
    path("jobs/", include("keleshek.jobs.urls")),
    path("audit/", include("keleshek.reports.audit_urls")),
    path("", include("keleshek.portal.urls")),
    prefix_default_language=True,
)

# The site's own error pages, in its frame and the visitor's language (keleshek.core.errors).
handler400 = "keleshek.core.errors.bad_request"
handler403 = "keleshek.core.errors.permission_denied"
handler404 = "keleshek.core.errors.page_not_found"
handler500 = "keleshek.core.errors.server_error"
