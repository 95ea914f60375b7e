from django.urls import path

from . import views

app_name = "transport"
urlpatterns = [
    path("", views.home, name="home"),
    path("<str:kato>/", views.district, name="district"),
    path("<str:kato>/riders/", views.riders, name="riders"),
    path("<str:kato>/assess/", views.assess, name="assess"),
    path("<str:kato>/stops/", views.stops, name="stops"),
    path("<str:kato>/stops/generate/", views.generate, name="generate"),
    path("<str:kato>/stops/map/", views.stops_map, name="stops_map"),
    path("<str:kato>/stops/new/", views.stop_edit, name="stop_new"),
    path("<str:kato>/stops/<int:pk>/", views.stop_edit, name="stop_edit"),
    path("<str:kato>/fleet/", views.fleet, name="fleet"),
    path("<str:kato>/fleet/new/", views.vehicle_edit, name="vehicle_new"),
    path("<str:kato>/fleet/<int:pk>/", views.vehicle_edit, name="vehicle_edit"),
    path("<str:kato>/fleet/<int:pk>/available/", views.vehicle_available, name="vehicle_available"),
    path("<str:kato>/crew/", views.crew_list, name="crew"),
    path("<str:kato>/crew/drivers/new/", views.driver_edit, name="driver_new"),
    path("<str:kato>/crew/drivers/<int:pk>/", views.driver_edit, name="driver_edit"),
    path("<str:kato>/crew/escorts/new/", views.escort_edit, name="escort_new"),
    path("<str:kato>/crew/escorts/<int:pk>/", views.escort_edit, name="escort_edit"),
    path("<str:kato>/cancelled-days/", views.cancelled_days, name="days"),
    path("<str:kato>/scheme/", views.scheme, name="scheme"),
    path("<str:kato>/scheme/file/", views.scheme_file, name="scheme_file"),
    path("<str:kato>/roads/", views.roads, name="roads"),
    path("<str:kato>/bells/", views.bells, name="bells"),
    path("<str:kato>/bells/<int:pk>/", views.bell_edit, name="bell_edit"),
    path("<str:kato>/optimise/", views.optimise, name="optimise"),
    path("<str:kato>/plans/<int:pk>/", views.plan, name="plan"),
    path("<str:kato>/plans/<int:pk>/what-if/", views.whatif, name="whatif"),
    path("<str:kato>/plans/<int:pk>/route-sheets.pdf", views.route_sheets, name="route_sheets"),
]
