from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from vigil.accounts.access import staff_view
from vigil.accounts.models import Role
from vigil.work import actions
from vigil.work.models import Job


@staff_view(Role.ADMIN)
def failed_jobs(request):
    jobs = Job.objects.filter(state=Job.State.FAILED).order_by("-finished_at")[:200]
    counts = {state: Job.objects.filter(state=state).count() for state in Job.State.values}
    return render(request, "work/failed_jobs.html", {"jobs": jobs, "counts": counts})


@staff_view(Role.ADMIN)
@require_POST
def retry_job(request, job_id):
    job = get_object_or_404(Job, pk=job_id, state=Job.State.FAILED)
    actions.retry_failed(job.pk, actor=request.user)
    return redirect("failed_jobs")
