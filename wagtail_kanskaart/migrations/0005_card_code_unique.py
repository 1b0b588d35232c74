# The second step of 0004, in its own transaction: PostgreSQL refuses to
# alter a table in the transaction that just updated its rows.

import wagtail_kanskaart.models.municipality
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("wagtail_kanskaart", "0004_stories_and_cards"),
    ]

    operations = [
        migrations.AlterField(
            model_name="neighbourhood",
            name="card_code",
            field=models.CharField(
                default=wagtail_kanskaart.models.municipality.new_card_code,
                editable=False,
                help_text="The code in the short address on the paper card, /k/<code>.",
                max_length=20,
                unique=True,
                verbose_name="card code",
            ),
        ),
        migrations.RemoveField(
            model_name="storypage",
            name="image",
        ),
    ]
