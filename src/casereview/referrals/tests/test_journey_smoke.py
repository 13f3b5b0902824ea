"""The whole journey through the services, as the demo and the browser test use it."""

from casereview.referrals.lifecycle import Stage


def test_a_referral_moves_from_received_to_review_open(
    make_referral, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        referral = make_referral("review-open")
    referral.refresh_from_db()
    assert referral.stage == Stage.REVIEW_OPEN
    assert referral.review.kind == "scr"
    assert referral.notifications.filter(kind="chief-officers").count() == 2
    assert all(n.letter_id for n in referral.notifications.all())
