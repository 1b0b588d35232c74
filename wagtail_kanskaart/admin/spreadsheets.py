"""Downloads of the request list and the reports that open cleanly in Dutch Excel.

The views mix :class:`SpreadsheetDownloadMixin` in before Wagtail's
``SpreadsheetExportMixin``. The payout batch's CSV uses the same byte order
mark and content type from ``wagtail_kanskaart.exports``.
"""

from django.utils import translation
from django.utils.translation import gettext_lazy

from ..exports import CSV_BYTE_ORDER_MARK, CSV_CONTENT_TYPE

# Excel rejects a sheet name longer than this.
SHEET_TITLE_MAX_LENGTH = 31


class SpreadsheetDownloadMixin:
    """CSV in UTF-8 with a byte order mark, and an XLSX sheet named in words.

    The CSV streams after the view has returned, when the admin has switched
    back to the site's language, so its rows are written in the editor's
    language as it was when the view ran.
    """

    sheet_title = gettext_lazy("Export")

    def get_sheet_title(self) -> str:
        return str(self.sheet_title)[:SHEET_TITLE_MAX_LENGTH]

    def stream_csv(self, queryset):
        language = translation.get_language()
        rows = super().stream_csv(queryset)

        def rows_in_language():
            with translation.override(language):
                yield CSV_BYTE_ORDER_MARK
                yield from rows

        return rows_in_language()

    def write_csv_response(self, queryset):
        response = super().write_csv_response(queryset)
        response["Content-Type"] = CSV_CONTENT_TYPE
        return response

    def write_xlsx(self, queryset, output):
        # Wagtail 8 names the sheet "Sheet1" and offers no setting for it,
        # so the workbook is written here with the same rows.
        from openpyxl import Workbook
        from wagtail.admin.views.mixins import ExcelDateFormatter

        workbook = Workbook(write_only=True, iso_dates=True)
        worksheet = workbook.create_sheet(title=self.get_sheet_title())
        worksheet.append(
            [self.get_heading(queryset, field) for field in self.list_export]
        )
        date_format = ExcelDateFormatter().get()
        for item in queryset:
            row = self.generate_xlsx_row(
                worksheet, self.to_row_dict(item), date_format=date_format
            )
            worksheet.append(row)
        workbook.save(output)
