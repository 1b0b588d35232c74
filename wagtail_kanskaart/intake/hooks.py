"""Run the package's ``after_kanskaart_…`` hooks once the data is stored.

The hooks run after the surrounding transaction commits, so they never see
a change that is rolled back. A failing hook is logged with the request's
reference and does not reach the resident or the editor: what it reacts to
is stored already.
"""

import logging

from django.db import transaction
from wagtail import hooks

logger = logging.getLogger("wagtail_kanskaart")


def run_after_commit(hook_name, request, **kwargs):
    """Call every hook registered as ``hook_name`` after the commit.

    ``request`` is the ``InitiativeRequest`` the hooks get as their
    ``request`` argument; ``kwargs`` are their other arguments.
    """
    transaction.on_commit(lambda: _run(hook_name, request, kwargs))


def _run(hook_name, request, kwargs):
    for hook in hooks.get_hooks(hook_name):
        try:
            hook(request=request, **kwargs)
        except Exception:
            logger.exception(
                "%s hook %s failed for request %s",
                hook_name,
                getattr(hook, "__qualname__", hook),
                request.reference,
            )
