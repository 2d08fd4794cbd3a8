"""Media on local disk that fails cleanly: a file the disk cannot take leaves nothing behind, and
the editor gets a clear answer instead of a 500.

`MediaStorage` (the default storage) turns a full disk, a quota, a file-size limit or a read-only
or forbidden folder into `MediaNotWritable`, after removing the part of the file it wrote (Django
leaves it). A model with a file is written after its file, so no row is made either.
`MediaNotWritableMiddleware` answers that error: an upload from Wagtail's multiple uploader gets
its JSON error (shown beside the file), any other request a 507 page saying nothing was saved.
"""

from __future__ import annotations

import errno
import os

from django.core.files.storage import FileSystemStorage
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

NOT_WRITABLE = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EACCES, errno.EPERM}


class MediaNotWritable(OSError):
    """The media folder could not take a file (full, over quota, read-only, forbidden)."""

    @property
    def full(self) -> bool:
        return self.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)


class MediaStorage(FileSystemStorage):
    def _save(self, name: str, content) -> str:
        full_path = self.path(name)
        existed = os.path.lexists(full_path)
        try:
            return super()._save(name, content)
        except OSError as error:
            if error.errno not in NOT_WRITABLE:
                raise
            if not existed:
                try:
                    os.remove(full_path)  # what was written of it
                except OSError:
                    pass
            raise MediaNotWritable(error.errno, error.strerror, error.filename) from error


def message(error: MediaNotWritable) -> str:
    if error.full:
        return _("The file could not be stored: the server's media storage is full. Nothing was "
                 "saved. Ask your administrator to free some space, then upload it again.")
    return _("The file could not be stored: the server's media folder cannot be written to. "
             "Nothing was saved. Ask your administrator to check it, then upload it again.")


class MediaNotWritableMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, MediaNotWritable):
            return None
        text = message(exception)
        if request.headers.get("x-requested-with") == "XMLHttpRequest":
            # Wagtail's multiple uploader shows error_message beside the file (only with a 200).
            return JsonResponse({"success": False, "error_message": text})
        title = _("The file could not be stored")
        if request.path.startswith("/admin/"):
            page = loader.render_to_string("media_not_writable.html", {"title": title, "text": text}, request)
            return HttpResponse(page, status=507)
        from samizdat.core.views import error_page

        return error_page(request, 507, title, text)
