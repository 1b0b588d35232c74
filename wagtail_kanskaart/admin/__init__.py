"""Admin screens for editors. ``wagtail_hooks.py`` wires them up."""
