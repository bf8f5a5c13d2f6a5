from vigil.work.registry import durable


@durable
def purge_expired():
    from vigil.privacy.actions import purge_expired as purge

    purge()
