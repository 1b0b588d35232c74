"""The headless REST API: read endpoints, the anonymous intake and the status token.

Sites include ``wagtail_kanskaart.api.urls`` under ``api/kanskaart/v1/``.
Every endpoint calls the same services as the hosted form; see
``docs/reference/api.md``.
"""
