from django_tasks import task

from vigil.work import actions


@task()
def run_job(job_id: str) -> str:
    """The only task the backend ever carries: everything else is a Job row behind this id."""
    return str(actions.run(job_id))
