from django.urls import path

from . import views

app_name = "support"
urlpatterns = [
    path("", views.index, name="index"),
    path("pupil/<uuid:uid>/", views.pupil_detail, name="pupil"),
    path("pupil/<uuid:uid>/enrol/<slug:code>/", views.enrol, name="enrol"),
    path("pupil/<uuid:uid>/category/", views.category_add, name="category_add"),
    path("membership/<int:pk>/state/", views.membership_state, name="membership_state"),
    path("membership/<int:pk>/deliver/", views.delivery_add, name="deliver"),
    path("coverage/", views.coverage, name="coverage"),
    path("duplicates/", views.duplicates, name="duplicates"),
    path("duplicates/<int:pk>/resolve/", views.duplicate_resolve, name="duplicate_resolve"),
    path("budget/", views.budget, name="budget"),
    path("meals/", views.meals, name="meals"),
    path("programmes/<slug:code>/rule/", views.programme_rule, name="rule"),
]
