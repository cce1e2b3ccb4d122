"""One router per resource; :data:`ROUTERS` is what the app mounts."""

from theorize.web.routes import (
    analyses,
    assist,
    codebook,
    compare,
    compare_groups,
    deid,
    history,
    memos,
    model,
    out,
    review,
    study,
    transcript,
)

ROUTERS = [
    study.router,
    transcript.router,
    codebook.router,
    compare.router,
    compare_groups.router,
    memos.router,
    model.router,
    analyses.router,
    history.router,
    out.router,
    deid.router,
]
# machine help; text edits and their review
ROUTERS += [assist.router, review.router]
