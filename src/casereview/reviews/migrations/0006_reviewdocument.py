# ReviewDocument moves here from the anonymisation app (issue 8: review documents belong to
# the review). State only: the table keeps its name and its rows; anonymisation's
# 0002_reviewdocument_moves_to_reviews drops the model from its own state.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("anonymisation", "0001_initial"),
        ("core", "0003_audit_append_only"),
        ("reviews", "0005_review_stages_and_milestones"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ReviewDocument",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("title", models.CharField(max_length=200)),
                        ("version", models.PositiveIntegerField(default=1)),
                        (
                            "uploaded_at",
                            models.DateTimeField(default=django.utils.timezone.now),
                        ),
                        (
                            "original",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="review_document",
                                to="core.document",
                            ),
                        ),
                        (
                            "previous",
                            models.OneToOneField(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="next_version",
                                to="reviews.reviewdocument",
                            ),
                        ),
                        (
                            "review",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="documents",
                                to="reviews.review",
                            ),
                        ),
                        (
                            "uploaded_by",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "anonymisation_reviewdocument",
                        "ordering": ["title", "-version"],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
