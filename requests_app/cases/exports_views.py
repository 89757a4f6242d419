"""Downloads of any filtered case list, as CSV or XLSX."""

from django.http import FileResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from requests_app.cases import exports
from requests_app.cases.views import filtered_cases
from requests_app.core import spreadsheets
from requests_app.core.access import staff_required

# Exports -----------------------------------------------------------------------------------------


@staff_required
@require_safe
@never_cache
def case_export_csv(request):
    """The case list as CSV, with the list's filters and sort, streamed as it is read."""
    _filter, cases = filtered_cases(request)
    return spreadsheets.csv_response(exports.csv_stream(cases), exports.filename("csv"))


@staff_required
@require_safe
@never_cache
def case_export_xlsx(request):
    """The case list as an Excel workbook, built in a temporary file, then streamed from it."""
    _filter, cases = filtered_cases(request)
    handle = exports.xlsx_file(cases)
    # FileResponse closes the file once sent, and closing deletes it.
    return FileResponse(
        handle, as_attachment=True, filename=exports.filename("xlsx"), content_type=spreadsheets.XLSX_CONTENT_TYPE
    )
