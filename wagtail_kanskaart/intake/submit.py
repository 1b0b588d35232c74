"""The one transaction that turns a validated request into arrangements."""

import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from wagtail.log_actions import log

from ..models import InitiativeRequest, RequestNeed
from ..models.requests import NeedKind, NeedStatus, RequestStatus
from ..notifications.outbox import queue_submit_notifications
from . import booking, ledger, policy, support, tokens
from .forms import IDEMPOTENCY_KEY_RE
from .hooks import run_after_commit
from .initiative import create_initiative_page
from .outcome import Outcome, build_outcome

logger = logging.getLogger("wagtail_kanskaart")


class IdempotencyConflict(Exception):
    """The idempotency key was used before for a request with other answers."""


@dataclass
class SubmitResult:
    request: InitiativeRequest
    token: str
    outcome: Outcome
    created: bool


def _result(request, created, language=None):
    return SubmitResult(
        request=request,
        token=tokens.token_for(request.token_salt),
        outcome=build_outcome(request, language),
        created=created,
    )


def _existing(idempotency_key, fingerprint, language):
    request = (
        InitiativeRequest.objects.filter(idempotency_key=idempotency_key)
        .prefetch_related("need_set")
        .first()
    )
    if request is None:
        return None
    if request.payload_fingerprint != fingerprint:
        raise IdempotencyConflict(idempotency_key)
    return _result(request, created=False, language=language)


def submit_request(
    municipality,
    data: dict,
    *,
    idempotency_key: str | None = None,
    source: str = "form",
    language: str = "nl",
    user=None,
) -> SubmitResult:
    """Store a request and arrange each of its needs in one transaction.

    ``data`` is ``RequestForm.cleaned_data``. With an ``idempotency_key`` that
    was used before for the same answers to the same municipality, nothing
    new happens and the first result comes back with ``created`` False; with
    other answers, ``IdempotencyConflict`` is raised. A key that does not
    match ``IDEMPOTENCY_KEY_RE`` raises ``ValueError``. Notifications leave
    after the commit, and so do the ``after_kanskaart_submit`` hooks; they
    do not run for a repeat.
    """
    if idempotency_key and not IDEMPOTENCY_KEY_RE.match(idempotency_key):
        raise ValueError(
            "Invalid idempotency key: use 16 to 128 letters, digits, '-' or '_'."
        )
    fingerprint = tokens.fingerprint(data, municipality)
    if idempotency_key:
        existing = _existing(idempotency_key, fingerprint, language)
        if existing:
            return existing

    try:
        with transaction.atomic():
            request = _store(
                municipality, data, idempotency_key, fingerprint, source, language, user
            )
            _arrange(request, municipality, data, user)
            create_initiative_page(request, municipality, user=user)
            queue_submit_notifications(request)
    except IntegrityError:
        # Two submissions with one key at the same moment: the insert of the
        # second waits for the first and then hits the unique key.
        if idempotency_key:
            existing = _existing(idempotency_key, fingerprint, language)
            if existing:
                return existing
        raise

    request = InitiativeRequest.objects.prefetch_related("need_set").get(pk=request.pk)
    result = _result(request, created=True, language=language)
    run_after_commit("after_kanskaart_submit", result.request, outcome=result.outcome)
    return result


def _store(municipality, data, idempotency_key, fingerprint, source, language, user):
    salt = tokens.new_salt()
    request = InitiativeRequest.objects.create(
        reference=_unique_reference(),
        municipality=municipality,
        neighbourhood=data["neighbourhood"],
        title=data["title"],
        description=data["description"],
        needs=[kind for kind in NEED_ORDER if kind in data["needs"]],
        **_answers_for(data),
        name=data["name"],
        email=data.get("email", ""),
        phone=data.get("phone", ""),
        consent=bool(data.get("consent")),
        resident_key=tokens.resident_key(data.get("email", ""), data.get("phone", "")),
        phone_key=tokens.phone_key(data.get("phone", "")),
        token_salt=salt,
        status_token_hash=tokens.hash_token(tokens.token_for(salt)),
        idempotency_key=idempotency_key or None,
        payload_fingerprint=fingerprint,
        source=source,
        language=language,
    )
    log(request, "wagtail_kanskaart.submitted", user=user, data={"source": source})
    return request


NEED_ORDER = [NeedKind.BUDGET, NeedKind.SPACE, NeedKind.SUPPORT]

# The answers that belong to each need; they are stored only for the needs
# the resident chose, so a hidden field of an unchosen need leaves no trace.
NEED_FIELDS = {
    NeedKind.BUDGET: ["budget_amount", "budget_purpose"],
    NeedKind.SPACE: ["space_date", "space_start", "space_end", "space_people"],
    NeedKind.SUPPORT: ["support_kind", "support_note"],
}


def _answers_for(data):
    answers = {}
    for kind, names in NEED_FIELDS.items():
        if kind not in data["needs"]:
            continue
        for name in names:
            if data.get(name) is not None:
                answers[name] = data[name]
    return answers


def _unique_reference():
    for _attempt in range(10):
        reference = tokens.new_reference()
        if not InitiativeRequest.objects.filter(reference=reference).exists():
            return reference
    raise RuntimeError("No free request reference after 10 attempts")


def _arrange(request, municipality, data, user):
    if NeedKind.BUDGET in request.needs:
        _arrange_budget(request, municipality, user)
    if NeedKind.SPACE in request.needs:
        _arrange_space(request, municipality, data.get("space"))
    if NeedKind.SUPPORT in request.needs:
        _arrange_support(request, municipality)

    in_review = request.need_set.filter(status=NeedStatus.IN_REVIEW).exists()
    request.status = RequestStatus.IN_REVIEW if in_review else RequestStatus.GRANTED
    request.save(update_fields=["status", "budget", "updated_at"])
    # Logged, but no after_kanskaart_status_change: the intake's first
    # status is announced by after_kanskaart_submit.
    log(
        request,
        "wagtail_kanskaart.status_changed",
        user=user,
        data={"from": RequestStatus.SUBMITTED, "to": request.status},
    )


def _arrange_budget(request, municipality, user):
    amount = request.budget_amount
    limits = policy.limits_for(municipality, request.neighbourhood, amount=amount)
    request.budget = limits.budget
    details = {"amount": str(amount)}
    if limits.budget is not None:
        # The lock serialises grants per budget, so the resident cap and the
        # money left are read and used without a race.
        ledger.account_for(limits.budget, lock=True)
    decision = policy.decide_grant(request, amount, limits)

    status, reason = NeedStatus.IN_REVIEW, decision.reason
    if decision.grant and limits.budget is None:
        # A hook granted money, but no budget covers this request.
        reason = policy.NO_BUDGET
    elif decision.grant:
        try:
            ledger.reserve(limits.budget, request, decision.amount, user=user)
            status, reason = NeedStatus.ARRANGED, policy.GRANTED
            details["amount"] = str(decision.amount)
        except ledger.LedgerError:
            reason = policy.BUDGET_SPENT
    RequestNeed.objects.create(
        request=request,
        kind=NeedKind.BUDGET,
        status=status,
        reason=reason,
        details=details,
    )


def _arrange_space(request, municipality, space=None):
    result = booking.book(
        request,
        municipality,
        request.neighbourhood,
        request.space_date,
        request.space_start,
        request.space_end,
        request.space_people,
        space=space,
    )
    if result.booking is None:
        RequestNeed.objects.create(
            request=request,
            kind=NeedKind.SPACE,
            status=NeedStatus.IN_REVIEW,
            reason=result.reason,
        )
        return
    space = result.booking.space
    RequestNeed.objects.create(
        request=request,
        kind=NeedKind.SPACE,
        status=NeedStatus.ARRANGED,
        reason=booking.BOOKED,
        details={
            "booking": result.booking.pk,
            "space": space.name,
            "address": space.address,
            "starts_at": result.booking.starts_at.isoformat(),
            "ends_at": result.booking.ends_at.isoformat(),
        },
    )


def _arrange_support(request, municipality):
    contact = support.find_contact(
        municipality, request.neighbourhood, request.support_kind
    )
    if contact is None:
        RequestNeed.objects.create(
            request=request,
            kind=NeedKind.SUPPORT,
            status=NeedStatus.IN_REVIEW,
            reason=support.NO_CONTACT,
        )
        return
    RequestNeed.objects.create(
        request=request,
        kind=NeedKind.SUPPORT,
        status=NeedStatus.ARRANGED,
        reason=support.ASSIGNED,
        details={
            "contact": contact.pk,
            "name": contact.name,
            "organisation": contact.organisation,
            "response_days": contact.response_days,
        },
    )
