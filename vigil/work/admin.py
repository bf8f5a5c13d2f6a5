from django.contrib import admin

from vigil.accounts.admin import ReadOnlyAdmin
from vigil.work import actions
from vigil.work.models import Job


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    organization_field = ""  # work rows carry ids only and belong to no organization
    list_display = ["handler", "state", "attempts", "run_after", "last_error", "finished_at"]
    list_filter = ["state", "handler"]
    actions = ["retry"]

    @admin.action(description="Retry failed work")
    def retry(self, request, queryset):
        for job in queryset.filter(state=Job.State.FAILED):
            actions.retry_failed(job.pk, actor=request.user)
