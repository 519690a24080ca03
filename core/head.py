"""Answers to HEAD requests carry the headers of the GET and no body.

A view answers HEAD as it answers GET (Django routes one to the other), body included,
and Django's WSGI handler passes that body on: only `runserver` and the test client take
it out. gunicorn sends none of it but logs a WARNING for every such answer ("WSGI app
sent body bytes on a no-body response (method=HEAD…)"). RFC 9110 §9.3.2: a HEAD
answer's header fields are those of a GET (Content-Length, ETag) and it has no content.
"""

from __future__ import annotations


async def _nothing():
    return
    yield  # an empty asynchronous iterator


class HeadWithoutBodyMiddleware:
    """The first middleware (outermost), so that every answer reaches it as the client
    gets it, a replayed one (core.pagecache.EarlyPageCacheMiddleware) included.

    For a HEAD request: a response with content (bytes) keeps, or is given, the
    Content-Length of that content (in bytes), then loses the content; a streamed one
    (a download, a FileResponse) keeps the headers it has, its Content-Length if it
    knows one, and streams nothing; the source it would have streamed from is still
    closed with the response. Other methods pass untouched. Raises nothing of its own.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method != "HEAD":
            return response
        if response.streaming:
            response.streaming_content = _nothing() if response.is_async else []
        else:
            if "Content-Length" not in response.headers:
                response.headers["Content-Length"] = str(len(response.content))
            response.content = b""
        return response
