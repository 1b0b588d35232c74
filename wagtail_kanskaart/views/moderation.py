"""The resident's page to change her idea when an editor asked for changes."""

import copy

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ..intake.forms import RequestForm
from ..intake.tokens import token_for
from ..moderation import ChangeNotAllowed, requested_changes, resubmit_idea
from .status import _private, _render, token_view
from .urls import _subpage_url, status_url


class ChangeIdeaForm(forms.Form):
    """The name and the text of an idea, checked by the request form's own fields."""

    title = copy.deepcopy(RequestForm.base_fields["title"])
    description = copy.deepcopy(RequestForm.base_fields["description"])


def change_idea_url(request_obj, absolute=False) -> str:
    """Return the address of the page where the resident changes her idea."""
    return _subpage_url(
        request_obj, "change_idea", token_for(request_obj.token_salt), absolute
    )


def _back_to_status(request_obj):
    return _private(redirect(status_url(request_obj, absolute=False)))


@require_http_methods(["GET", "HEAD", "POST"])
@token_view
def change_idea_view(request, page, request_obj):
    changes = requested_changes(request_obj)
    if changes is None:
        messages.info(request, _("Your idea does not need any changes now."))
        return _back_to_status(request_obj)

    if request.method == "POST":
        form = ChangeIdeaForm(request.POST, use_required_attribute=False)
        if form.is_valid():
            try:
                resubmit_idea(
                    request_obj,
                    form.cleaned_data["title"],
                    form.cleaned_data["description"],
                )
            except ChangeNotAllowed:
                messages.error(
                    request,
                    _("You can no longer change your idea. Nothing was changed."),
                )
            else:
                messages.success(
                    request,
                    _(
                        "Thank you. We sent your changes to the editors. They "
                        "check your idea again."
                    ),
                )
            return _back_to_status(request_obj)
    else:
        form = ChangeIdeaForm(
            initial={
                "title": request_obj.title,
                "description": request_obj.description,
            },
            use_required_attribute=False,
        )

    return _render(
        request,
        page,
        request_obj,
        "wagtail_kanskaart/change_idea.html",
        form=form,
        changes=changes,
        change_link=change_idea_url(request_obj),
    )
