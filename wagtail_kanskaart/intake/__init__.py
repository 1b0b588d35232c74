"""The intake: one service that turns a validated request into arrangements.

The hosted form, the API, the widget (through the API) and the admin all call
:func:`wagtail_kanskaart.intake.submit.submit_request`.
"""
