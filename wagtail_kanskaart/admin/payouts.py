"""The editors' payout screens: payable requests, batches, their files and payment.

Every screen is limited to the municipalities the editor may edit
(``editable_municipalities``). A batch of another municipality returns
404, so its existence is not revealed. The rules themselves live in
``intake.payouts``; these views only call them.
"""

import datetime

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.generic import TemplateView, View
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.widgets import AdminDateInput
from wagtail.log_actions import log

from .. import payout_files
from ..exports import CSV_BYTE_ORDER_MARK, CSV_CONTENT_TYPE
from ..intake import payouts
from ..models import PayoutBatch
from .permissions import editable_municipalities

NAMESPACE = "kanskaart_payouts"
ICON = "clipboard-list"
# With a context, because the page settings use "Payouts" as a heading too,
# and Dutch words the menu ("Uitbetalingen") and the heading differently.
PAYOUTS = pgettext_lazy("admin menu", "Payouts")


def url(name, *args):
    return reverse(f"{NAMESPACE}:{name}", args=args)


def next_working_day(today=None) -> datetime.date:
    day = (today or timezone.localdate()) + datetime.timedelta(days=1)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def settings_place() -> dict:
    """Return the names of the page editor's tab and panel with the payout account.

    They are the msgids of the tab and the panel heading themselves, so a
    message names them the way the editor sees them.
    """
    return {"tab": _("Settings"), "heading": _("Payouts")}


def settings_url(municipality) -> str:
    """Return the municipality page's edit view, where its payout account is set."""
    return reverse("wagtailadmin_pages:edit", args=[municipality.pk])


class BatchForm(forms.Form):
    """The requests to put in a new batch, and the day the bank pays them."""

    requests = forms.TypedMultipleChoiceField(
        coerce=int,
        label=gettext_lazy("Requests"),
        error_messages={
            "required": gettext_lazy("Choose at least one request."),
            "invalid_choice": gettext_lazy(
                "A chosen request can no longer be paid out. Reload the page."
            ),
        },
    )
    execution_date = forms.DateField(
        label=gettext_lazy("Payment date"),
        help_text=gettext_lazy(
            "The day your bank pays the money out: today or at most a year "
            "ahead. On a Saturday or Sunday the bank pays on its next working day."
        ),
        widget=AdminDateInput,
        error_messages={
            "required": gettext_lazy("Choose the payment date."),
            "invalid": gettext_lazy("Enter a date such as 2027-03-14."),
        },
    )

    def __init__(self, *args, payable=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requests"].choices = [
            (item.pk, item.reference) for item in payable
        ]
        self.fields["execution_date"].initial = next_working_day()

    def clean_execution_date(self):
        day = self.cleaned_data["execution_date"]
        try:
            payouts.check_execution_date(day)
        except payouts.PayoutError as error:
            raise ValidationError(str(error), code="out_of_range") from error
        return day


class PayoutAdminMixin(WagtailAdminTemplateMixin):
    """Only for editors who may edit at least one municipality."""

    header_icon = ICON

    def dispatch(self, request, *args, **kwargs):
        if not editable_municipalities(request.user).exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def municipalities(self):
        return editable_municipalities(self.request.user).order_by("title")

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": url("index"), "label": PAYOUTS},
        ]


class BatchMixin(PayoutAdminMixin):
    """Views of one batch of a municipality the editor may edit."""

    def dispatch(self, request, *args, **kwargs):
        self.batch = get_object_or_404(
            PayoutBatch.objects.select_related("municipality").filter(
                municipality__in=editable_municipalities(request.user)
            ),
            pk=kwargs["pk"],
        )
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.batch.reference

    def get_breadcrumbs_items(self):
        return [
            *super().get_breadcrumbs_items(),
            {
                "url": url("municipality", self.batch.municipality_id),
                "label": self.batch.municipality.title,
            },
            {"url": url("batch", self.batch.pk), "label": self.batch.reference},
        ]

    def back_to_batch(self):
        return redirect(url("batch", self.batch.pk))


class IndexView(PayoutAdminMixin, TemplateView):
    template_name = "wagtail_kanskaart/admin/payouts/index.html"
    page_title = PAYOUTS

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = []
        for municipality in self.municipalities:
            payable = list(payouts.payable_requests(municipality))
            rows.append(
                {
                    "municipality": municipality,
                    "url": url("municipality", municipality.pk),
                    "payable_count": len(payable),
                    "payable_total": payouts.batch_total(
                        _with_amount(payable, "open_amount")
                    ),
                    "waiting_count": payouts.waiting_for_iban(municipality).count(),
                }
            )
        context["rows"] = rows
        context["batches"] = _batches(self.municipalities)
        return context


def _with_amount(items, field):
    for item in items:
        item.amount = getattr(item, field)
    return items


def _batches(municipalities):
    batches = list(
        PayoutBatch.objects.filter(municipality__in=municipalities)
        .select_related("municipality", "created_by", "paid_by")
        .order_by("-created_at", "-pk")
    )
    for batch in batches:
        batch.url = url("batch", batch.pk)
        if batch.status == PayoutBatch.Status.CANCELLED:
            batch.count = len(batch.cancelled_requests)
        else:
            batch.count = batch.requests.count()
    return batches


class MunicipalityView(PayoutAdminMixin, TemplateView):
    """Payable requests, requests waiting for an IBAN, and a form for a new batch."""

    template_name = "wagtail_kanskaart/admin/payouts/municipality.html"

    def dispatch(self, request, *args, **kwargs):
        self.municipality = get_object_or_404(
            editable_municipalities(request.user), pk=kwargs["municipality_id"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return PAYOUTS

    def get_page_subtitle(self):
        return self.municipality.title

    def get_breadcrumbs_items(self):
        return [
            *super().get_breadcrumbs_items(),
            {
                "url": url("municipality", self.municipality.pk),
                "label": self.municipality.title,
            },
        ]

    @cached_property
    def payable(self):
        return _with_amount(
            list(payouts.payable_requests(self.municipality)), "open_amount"
        )

    def get_form(self):
        if self.request.method == "POST":
            return BatchForm(self.request.POST, payable=self.payable)
        return BatchForm(
            payable=self.payable,
            initial={"requests": [item.pk for item in self.payable]},
        )

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        form = form or self.get_form()
        chosen = form["requests"].value() or []
        for item in self.payable:
            item.iban_formatted = payouts.format_iban(item.iban)
            item.chosen = str(item.pk) in [str(value) for value in chosen]
        context.update(
            {
                "municipality": self.municipality,
                "form": form,
                "payable": self.payable,
                "payable_total": payouts.batch_total(self.payable),
                "waiting": _with_amount(
                    list(payouts.waiting_for_iban(self.municipality)), "open_amount"
                ),
                "batches": _batches([self.municipality]),
                "debtor_missing": payout_files.debtor_missing(self.municipality),
                "settings_url": settings_url(self.municipality),
                "settings_place": settings_place(),
                "action_url": url("municipality", self.municipality.pk),
            }
        )
        return context

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if not form.is_valid():
            messages.error(request, _("The batch was not created. Check the form."))
            return self.render_to_response(self.get_context_data(form=form))
        try:
            batch = payouts.create_batch(
                self.municipality,
                form.cleaned_data["execution_date"],
                user=request.user,
                request_ids=form.cleaned_data["requests"],
            )
        except payouts.PayoutError as error:
            messages.error(request, str(error))
            return redirect(url("municipality", self.municipality.pk))
        messages.success(
            request,
            _("Batch %(reference)s is created. Download the files for your bank.")
            % {"reference": batch.reference},
        )
        return redirect(url("batch", batch.pk))


class BatchView(BatchMixin, TemplateView):
    template_name = "wagtail_kanskaart/admin/payouts/batch.html"
    page_title = gettext_lazy("Payout batch")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        items = payouts.batch_items(self.batch)
        problems = payouts.batch_problems(self.batch, items)
        for item in items:
            item.iban_formatted = payouts.format_iban(item.iban)
            item.problem = item in problems
            item.remove_url = url("batch_remove_request", self.batch.pk, item.pk)
        is_open = self.batch.status == PayoutBatch.Status.OPEN
        is_cancelled = self.batch.status == PayoutBatch.Status.CANCELLED
        context.update(
            {
                "batch": self.batch,
                "items": items,
                "is_cancelled": is_cancelled,
                # A cancelled batch has no files, so none reaches a bank again.
                "may_download": bool(items) and not is_cancelled and not problems,
                "total": payouts.batch_total(items),
                "problems": problems,
                "is_open": is_open,
                "debtor_missing": payout_files.debtor_missing(self.batch.municipality),
                "settings_url": settings_url(self.batch.municipality),
                "settings_place": settings_place(),
                "csv_url": url("batch_csv", self.batch.pk),
                "sepa_url": url("batch_sepa", self.batch.pk),
                "mark_paid_url": url("batch_mark_paid", self.batch.pk),
                "cancel_url": url("batch_cancel", self.batch.pk),
            }
        )
        return context


class BatchDownloadView(BatchMixin, View):
    """A file of the batch, for the bank or for the editor's own records."""

    format = ""

    def get(self, request, *args, **kwargs):
        if self.batch.status == PayoutBatch.Status.CANCELLED:
            messages.error(
                request,
                _(
                    "This batch is cancelled. Its files cannot be downloaded. "
                    "Create a new batch for its requests."
                ),
            )
            return self.back_to_batch()
        if payouts.batch_problems(self.batch):
            messages.error(
                request,
                _(
                    "Some requests in this batch can no longer be paid out. "
                    "Remove them from the batch first."
                ),
            )
            return self.back_to_batch()
        content = self.render_file()
        if content is None:
            return self.back_to_batch()
        # Log who downloaded the file, never the IBANs and names in it.
        log(
            self.batch,
            "wagtail_kanskaart.payout_batch_downloaded",
            user=request.user,
            data={"format": self.format},
        )
        response = HttpResponse(content, content_type=self.content_type)
        filename = f"{self.batch.reference}.{self.format}"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "private, no-store"
        return response


class BatchCsvView(BatchDownloadView):
    format = "csv"
    content_type = CSV_CONTENT_TYPE

    def render_file(self):
        return CSV_BYTE_ORDER_MARK + payout_files.batch_csv(self.batch)


class BatchSepaView(BatchDownloadView):
    format = "xml"
    content_type = "application/xml"

    def render_file(self):
        from sepaxml.validation import ValidationError as SepaValidationError

        municipality = self.batch.municipality
        try:
            return payout_files.batch_sepa_xml(self.batch)
        except payout_files.DebtorMissing:
            messages.error(
                self.request,
                _(
                    "%(municipality)s has no bank account to pay from yet. "
                    "Fill it in on the page of the municipality: tab "
                    "%(tab)s, under %(heading)s."
                )
                % {"municipality": municipality.title, **settings_place()},
                buttons=[messages.button(settings_url(municipality), _("Edit"))],
            )
        except (ValidationError, SepaValidationError):
            messages.error(
                self.request,
                _(
                    "The SEPA file could not be made, because a bank account "
                    "or a name in it is not valid. Check the bank account of "
                    "%(municipality)s and of the requests."
                )
                % {"municipality": municipality.title},
            )
        return None


class ConfirmView(BatchMixin, TemplateView):
    """A confirm page (GET) and the change itself (POST), for open batches."""

    template_name = "wagtail_kanskaart/admin/payouts/confirm.html"
    show_execution_date = False

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        items = payouts.batch_items(self.batch)
        context.update(
            {
                "batch": self.batch,
                "count": len(items),
                "total": payouts.batch_total(items),
                "problems": payouts.batch_problems(self.batch, items),
                "is_open": self.batch.status == PayoutBatch.Status.OPEN,
                "closed_message": payouts.closed_batch_message(self.batch),
                "show_execution_date": self.show_execution_date,
                "before_execution_date": (
                    self.batch.execution_date is not None
                    and self.batch.execution_date > timezone.localdate()
                ),
                "question": self.question,
                "warning": self.warning,
                "confirm_label": self.confirm_label,
                "action_url": self.request.path,
                "cancel_url": url("batch", self.batch.pk),
            }
        )
        return context

    def post(self, request, *args, **kwargs):
        try:
            response = self.act()
        except payouts.PayoutError as error:
            messages.error(request, str(error))
            return self.back_to_batch()
        return response


class MarkPaidView(ConfirmView):
    page_title = gettext_lazy("Mark batch as paid")
    question = gettext_lazy("Has the bank paid out this batch?")
    warning = gettext_lazy(
        "Only confirm when the bank has carried out the transfer. The money "
        "then counts as paid in the budget, and every resident gets a message. "
        "You cannot undo this."
    )
    confirm_label = gettext_lazy("Yes, the batch is paid")
    # A bank may pay before the requested date, so an earlier confirmation
    # is allowed; the page shows the date so the editor checks it.
    show_execution_date = True

    def act(self):
        batch = payouts.mark_batch_paid(self.batch, user=self.request.user)
        messages.success(
            self.request,
            _("Batch %(reference)s is marked paid.") % {"reference": batch.reference},
        )
        return self.back_to_batch()


class CancelBatchView(ConfirmView):
    page_title = gettext_lazy("Cancel batch")
    question = gettext_lazy("Do you want to cancel this batch?")
    warning = gettext_lazy(
        "The requests go back to the list of payable requests. Do not send a "
        "file of this batch to the bank any more."
    )
    confirm_label = gettext_lazy("Yes, cancel the batch")

    def act(self):
        batch = payouts.cancel_batch(self.batch, user=self.request.user)
        messages.success(
            self.request,
            _("Batch %(reference)s is cancelled.") % {"reference": batch.reference},
        )
        return self.back_to_batch()


class RemoveRequestView(BatchMixin, View):
    """Take one request out of an open batch (POST only)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if self.batch.status != PayoutBatch.Status.OPEN:
            messages.error(request, payouts.closed_batch_message(self.batch))
            return self.back_to_batch()
        request_obj = get_object_or_404(self.batch.requests, pk=kwargs["request_id"])
        try:
            batch = payouts.remove_from_batch(
                self.batch, request_obj, user=request.user
            )
        except payouts.PayoutError as error:
            messages.error(request, str(error))
        else:
            if batch.status == PayoutBatch.Status.CANCELLED:
                messages.success(
                    request,
                    _(
                        "Request %(reference)s is removed from the batch. "
                        "The batch had no requests left, so it is cancelled."
                    )
                    % {"reference": request_obj.reference},
                )
                return self.back_to_batch()
            messages.success(
                request,
                _("Request %(reference)s is removed from the batch.")
                % {"reference": request_obj.reference},
            )
        return self.back_to_batch()


class PayoutMenuItem(MenuItem):
    def is_shown(self, request):
        return editable_municipalities(request.user).exists()


class PayoutViewSet(ViewSet):
    """The "Payouts" menu item and its screens."""

    name = NAMESPACE
    url_prefix = "kanskaart/payouts"
    icon = ICON
    menu_label = PAYOUTS
    menu_name = "kanskaart-payouts"
    menu_order = 245
    add_to_admin_menu = True
    menu_item_class = PayoutMenuItem

    def get_urlpatterns(self):
        return [
            path("", IndexView.as_view(), name="index"),
            path(
                "municipality/<int:municipality_id>/",
                MunicipalityView.as_view(),
                name="municipality",
            ),
            path("batch/<int:pk>/", BatchView.as_view(), name="batch"),
            path("batch/<int:pk>/csv/", BatchCsvView.as_view(), name="batch_csv"),
            path("batch/<int:pk>/sepa/", BatchSepaView.as_view(), name="batch_sepa"),
            path(
                "batch/<int:pk>/mark-paid/",
                MarkPaidView.as_view(),
                name="batch_mark_paid",
            ),
            path(
                "batch/<int:pk>/cancel/",
                CancelBatchView.as_view(),
                name="batch_cancel",
            ),
            path(
                "batch/<int:pk>/remove/<int:request_id>/",
                RemoveRequestView.as_view(),
                name="batch_remove_request",
            ),
        ]
