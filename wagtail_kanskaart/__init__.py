"""wagtail-kanskaart: residents turn a neighbourhood idea into action."""

__version__ = "0.1.0"
