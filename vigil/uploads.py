"""Uploads are held in memory up to the evidence limit and refused beyond it, even without Content-Length."""

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
        if self.received > settings.MAX_REQUEST_BYTES:
            raise StopUpload(connection_reset=True)
        return super().receive_data_chunk(raw_data, start)
