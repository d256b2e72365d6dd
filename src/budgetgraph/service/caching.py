"""Responses that caches can revalidate: an ETag from the body's digest, ``304 Not Modified`` when the client
holds it already, and ``Vary: Accept`` because one URL answers in several formats."""

from __future__ import annotations

import hashlib

from fastapi import Request
from fastapi.responses import Response


def cacheable(request: Request, body: bytes, media_type: str, status_code: int = 200) -> Response:
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {"ETag": etag, "Vary": "Accept"}
    if status_code == 200 and _holds(request.headers.get("if-none-match", ""), etag):
        return Response(status_code=304, headers=headers)
    return Response(body, status_code=status_code, media_type=media_type, headers=headers)


def _holds(if_none_match: str, etag: str) -> bool:
    """Whether If-None-Match names ``etag`` (weak comparison, RFC 9110 section 13.1.2) or is ``*``."""
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in tags or etag in tags
