from django.urls import path

from . import views, views_fund

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
    path("applications/", views_fund.queue, name="queue"),
    path("applications/<int:pk>/decide/", views_fund.decide, name="decide"),
    path("registers/", views_fund.registers, name="registers"),
    path("registers/<int:pk>/export.<str:fmt>", views_fund.register_export, name="register_export"),
    path("registers/<int:pk>/paid/", views_fund.register_paid, name="register_paid"),
    path("payments/<int:pk>/receipt/", views_fund.receipt_add, name="receipt_add"),
    path("asp-list/", views_fund.asp_list, name="asp_list"),
    path("programmes/<slug:code>/rule/", views.programme_rule, name="rule"),
]
