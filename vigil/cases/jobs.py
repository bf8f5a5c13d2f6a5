from vigil.work.registry import durable


@durable
def expire_referral(referral_id):
    from vigil.cases.actions import expire_referral as expire

    expire(referral_id)


@durable
def expire_overdue_referrals():
    from vigil.cases.actions import expire_overdue_referrals as sweep

    sweep()


@durable
def mark_interpretation_unfilled(request_id):
    from vigil.cases.interpreting_actions import mark_unfilled

    mark_unfilled(request_id)
