from django.urls import path, register_converter

from center.reports import views
from center.reports.periods import PeriodConverter


class ExportFormat:
    regex = "csv|xlsx|pdf"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


app_name = "reports"
register_converter(PeriodConverter, "report_period")
register_converter(ExportFormat, "report_format")

# A report by what it is (center/reports/views.py): the district's, or a station's by its
# code; its exports beside it.
urlpatterns = [
    path("", views.report_list, name="list"),
    path("<slug:district>/<report_period:period>/", views.district_report, name="district"),
    path("<slug:district>/<report_period:period>/report.<report_format:fmt>",
         views.district_export, name="district_export"),
    path("<slug:district>/<report_period:period>/<slug:station>/", views.station_report,
         name="station"),
    path("<slug:district>/<report_period:period>/<slug:station>/report.<report_format:fmt>",
         views.station_export, name="station_export"),
]
