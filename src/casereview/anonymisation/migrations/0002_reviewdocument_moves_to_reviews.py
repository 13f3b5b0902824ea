# ReviewDocument now belongs to the reviews app (reviews 0004_reviewdocument). State only:
# the runs point at the same table, now known as reviews.ReviewDocument.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("anonymisation", "0001_initial"),
        ("reviews", "0006_reviewdocument"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="anonymisationrun",
                    name="document",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="runs",
                        to="reviews.reviewdocument",
                    ),
                ),
                migrations.DeleteModel(name="ReviewDocument"),
            ],
            database_operations=[],
        ),
    ]
