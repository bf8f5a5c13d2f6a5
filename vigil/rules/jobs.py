from vigil.work.registry import durable


@durable
def judge_incident(incident_id):
    """Queued by the incidents app when an incident's documentation changes (registered by name)."""
    from vigil.rules.actions import judge_incident as judge

    judge(incident_id)


@durable
def continue_recompute(run_id):
    """One batch of a recompute under a new pack; queues the next until every incident is done."""
    from vigil.rules.actions import continue_recompute as step
    from vigil.work.actions import enqueue

    if not step(run_id):
        enqueue("vigil.rules.jobs.continue_recompute", run_id)


@durable
def check_pack():
    """Daily (the worker's first round of the day): a pack whose hash differs from the last judged starts a
    recompute."""
    from vigil.rules.actions import start_recompute_if_new_pack

    start_recompute_if_new_pack()
