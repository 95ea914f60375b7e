from django.urls import path

from . import views

app_name = "census"

urlpatterns = [
    path("", views.home, name="home"),
    path("sw.js", views.service_worker, name="sw"),
    path("<int:period_id>/", views.period, name="period"),
    path("<int:period_id>/d/<str:kato>/", views.district, name="district"),
    path("<int:period_id>/import/", views.import_values, name="import"),
    path("<int:period_id>/s/<int:institution_id>/", views.form, name="form"),
    path("<int:period_id>/s/<int:institution_id>/sync/", views.sync, name="sync"),
    path("<int:period_id>/s/<int:institution_id>/exports/", views.exports_in, name="exports"),
]
