"""Imports on the web run outside the request. Reading, checking and publishing a large file
takes seconds to minutes: one upload must not hold a server thread for that long, and the
rest of the hall keeps working. A job's state is a small file beside the kept upload, so
that whichever server process answers the next request can show it.

One job runs at a time in each process (the others wait in line): two large imports at
once would only share the same cores and double the memory."""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import gc
import json
import logging
import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from typing import Any

from flask import Flask, current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from ..models import User, db
from ..taxonomy import Finding
from . import upload_previews
from .errors import InvalidFile, NotFound, ServiceError
from .permissions import Actor, Permission, require
from .taxonomies import Published
from .upload_previews import UploadRequest

log = logging.getLogger(__name__)

# A small file is done within this: its page follows at once, without a waiting page.
WAIT_IN_REQUEST_SECONDS = 2.0
# A job whose state has not changed for this long was running in a process that stopped.
STALE_SECONDS = 30 * 60

RUNNING = ("queued", "checking", "publishing")

_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()


@dataclass
class Job:
    token: str
    user: int | None
    # queued -> checking -> ready or refused; ready -> publishing -> published or
    # publish_refused (the checked upload stays, to be published again); or failed.
    state: str
    started: float = dataclasses.field(default_factory=time.time)
    updated: float = dataclasses.field(default_factory=time.time)
    message: str = ""  # why it was refused or failed
    field: str = ""  # the form field the message is about
    form: dict[str, Any] = dataclasses.field(default_factory=dict)  # to fill the form in again
    slug: str = ""
    version: int = 0  # the published version's number

    @property
    def running(self) -> bool:
        return self.state in RUNNING

    @property
    def seconds(self) -> int:
        return int((time.time() if self.running else self.updated) - self.started)


def start_preview(actor: Actor, request: UploadRequest, form: dict[str, Any]) -> Job:
    """Check at once what needs no reading, then read and compare the file in the
    background; waits a little, so that small files are done when the page follows."""
    slug = upload_previews.check(actor, request)
    job = Job(secrets.token_urlsafe(18), actor.id, "queued", form=form, slug=slug)
    _save(job)
    return _run(job, "checking", lambda user: upload_previews.preview(user, request, job.token))


def start_publish(actor: Actor, token: str, note: str, allow_mass_retire: bool) -> Job:
    """Publish a checked upload in the background."""
    job = find(actor, token)
    if job.running:
        return job
    if job.state not in ("ready", "publish_refused"):
        raise NotFound(str(_l("This upload has expired; upload the file again.")))
    job.message, job.field = "", ""
    return _run(
        job,
        "publishing",
        lambda user: upload_previews.confirm(user, token, note, allow_mass_retire),
    )


def find(actor: Actor, token: str) -> Job:
    """The job of an upload, for the account that started it."""
    require(actor, Permission.PUBLISH_TAXONOMY)
    expired = NotFound(str(_l("This upload has expired; upload the file again.")))
    if not token.replace("-", "").replace("_", "").isalnum():
        raise expired
    try:
        data = json.loads((upload_previews.folder() / f"{token}.job").read_text("utf-8"))
    except FileNotFoundError:
        raise expired from None
    job = Job(**data)
    if job.user != actor.id:
        raise expired
    if job.running and time.time() - job.updated > STALE_SECONDS:
        job.state = "failed"
        job.message = str(_l("The server stopped while it worked on this file; try again."))
    return job


def wait_until_idle(timeout: float = 60.0) -> None:
    """Wait for the jobs of this process (tests, and a server that stops)."""
    with _executor_lock:
        executor = _executor
    if executor is not None:
        executor.submit(lambda: None).result(timeout)


def _run(job: Job, state: str, work: Any) -> Job:
    job.state = state
    _save(job)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    locale = str(_current_locale())
    future = _pool().submit(_work, app, job, locale, work)
    try:
        return future.result(WAIT_IN_REQUEST_SECONDS)
    except TimeoutError:
        return job


def _work(app: Flask, job: Job, locale: str, work: Any) -> Job:
    publishing = job.state == "publishing"
    with app.app_context(), force_locale(locale):
        try:
            user = db.session.get(User, job.user)
            if user is None:
                raise NotFound(str(_l("This upload has expired; upload the file again.")))
            result = work(user)
        except InvalidFile as error:
            job.state, job.message = "refused", error.message
            problems = [p for p in error.problems if isinstance(p, Finding)]
            upload_previews.keep_findings(job.token, problems)
        except ServiceError as error:
            job.state = "publish_refused" if publishing else "refused"
            job.message, job.field = error.message, error.field or ""
            if not publishing:
                upload_previews.keep_findings(job.token, [])
        except Exception:
            log.exception("import job %s failed", job.token)
            job.state = "failed"
            job.message = str(_l("Something went wrong on the server; the file was not imported."))
        else:
            job.state = "published" if publishing else "ready"
            if isinstance(result, Published):
                job.slug, job.version = result.version.taxonomy.slug, result.version.number
        finally:
            db.session.remove()
        if job.state == "published":
            # The kept files went with the publication; the state stays to be shown once.
            job.form = {}
        _save(job)
    _give_back_memory()
    return job


def _save(job: Job) -> None:
    job.updated = time.time()
    upload_previews.keep(f"{job.token}.job", json.dumps(asdict(job), ensure_ascii=False))


def _pool() -> ThreadPoolExecutor:
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import")
        return _executor


def _current_locale() -> object:
    from flask_babel import get_locale

    return get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"]


def _give_back_memory() -> None:
    """A large import leaves hundreds of MB of freed memory with the process; glibc keeps
    it unless asked to give it back (the server returns to near its size before)."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to ask
        ctypes.CDLL("libc.so.6").malloc_trim(0)
