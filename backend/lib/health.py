from litestar import Request, Response, get
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE

from backend.lib.db import is_healthy


# A load balancer's probe carries no token; a stale one must not turn "healthy" into 401.
@get("/healthz", operation_id="Health", tags=["system"], cache=False, exclude_from_auth=True, security=[])
async def healthz(request: Request) -> Response[dict[str, str]]:
    """200 when the database answers, 503 when it does not (for load balancers)."""
    ok = await is_healthy(request.app.state.engine)
    return Response(
        {"status": "ok" if ok else "unavailable", "database": "ok" if ok else "unreachable"},
        status_code=HTTP_200_OK if ok else HTTP_503_SERVICE_UNAVAILABLE,
    )
