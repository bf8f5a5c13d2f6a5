from vigil.work.registry import durable


@durable
def check_dispatch_check_in(dispatch_id):
    from vigil.incidents.dispatching import flag_missed_check_in

    flag_missed_check_in(dispatch_id)


@durable
def expire_dispatch_offer(dispatch_id):
    from vigil.incidents.dispatching import expire_offer

    expire_offer(dispatch_id)


@durable
def close_stale_grouping():
    from vigil.incidents.actions import close_stale_grouping as close

    close()
