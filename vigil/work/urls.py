from django.urls import path

from vigil.work import views

urlpatterns = [
    path("", views.failed_jobs, name="failed_jobs"),
    path("<uuid:job_id>/retry/", views.retry_job, name="retry_job"),
]
