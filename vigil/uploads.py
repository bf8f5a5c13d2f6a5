"""Uploads are held in memory up to a limit and refused beyond it, even without Content-Length.

The public form's limit is lower than staff's: anyone can send to it, and each upload is held, stripped
and sealed in memory (several copies at once), so the limit is what bounds a worker's memory.
"""

from django.conf import settings
from django.core.files.uploadhandler import MemoryFileUploadHandler, StopUpload


class LimitedUploadHandler(MemoryFileUploadHandler):
    def __init__(self, request=None):
        super().__init__(request)
        self.received = 0

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        # Always in memory (evidence is sealed from bytes); the size limit keeps that bounded.
        self.activated = True

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > request_limit(self.request):
            # The form is parsed without the file, and the view tells the sender it was too large. Under
            # the absolute limit the rest is read and dropped so that the page reaches them; past it,
            # reading stops.
            self.request.upload_too_large = True
            raise StopUpload(connection_reset=self.received > settings.MAX_REQUEST_BYTES)
        return super().receive_data_chunk(raw_data, start)


def request_limit(request) -> int:
    """Staff (signed in) may send up to MAX_REQUEST_BYTES; everyone else up to PUBLIC_MAX_REQUEST_BYTES."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return settings.MAX_REQUEST_BYTES
    return min(settings.PUBLIC_MAX_REQUEST_BYTES, settings.MAX_REQUEST_BYTES)
