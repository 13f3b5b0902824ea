def test_review_documents_belong_to_the_review_and_keep_their_table():
    from casereview.anonymisation.models import AnonymisationRun
    from casereview.reviews.models import ReviewDocument

    assert ReviewDocument._meta.app_label == "reviews"
    assert ReviewDocument._meta.db_table == "anonymisation_reviewdocument"  # rows not moved
    assert AnonymisationRun._meta.get_field("document").related_model is ReviewDocument
