"""Read-only panels on the editors' page forms."""

from wagtail.admin.panels import Panel


class EmbedSnippetPanel(Panel):
    """Show the code that puts this municipality's form on another website."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "wagtail_kanskaart/admin/embed_snippet_panel.html"

        def get_context_data(self, parent_context=None):
            from ..embed import embed_snippet

            context = super().get_context_data(parent_context)
            page = self.instance
            context["snippet"] = embed_snippet(page) if page.pk else ""
            return context
