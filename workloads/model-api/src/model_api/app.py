"""The HTTP application: `/predict`, `/healthz`, `/readyz`, `/metrics` (paths from the platform contract).

FastAPI 0.163.2 on Starlette. `/predict` validates the raw body with a Pydantic model built from the
model's MLflow signature once the model is loaded (the schema is not known when the app starts, so it
cannot be a typed endpoint parameter); a bad body gets 422 with the field's location, never a 500.
The model loads in a background task with retries, so the pod starts, answers `/healthz` and reports
not-ready on `/readyz` until the model is in memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.responses import Response
from platform_contract import PATHS
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import ValidationError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from model_api.config import Settings
from model_api.metrics import ApiMetrics
from model_api.model import ServedModel, load_served_model

log = logging.getLogger("model_api")

Loader = Callable[[Settings], ServedModel]

#: Routes measured by the HTTP metrics. Probes and scrapes are left out: they would dilute the latency and
#: error ratios the alerts read. Any other path is counted under `handler="other"` (bounded cardinality).
_MEASURED = frozenset({PATHS["predict"]})


@dataclass
class AppState:
    settings: Settings
    metrics: ApiMetrics
    model: ServedModel | None = None
    last_error: str | None = None
    attempts: int = 0
    load_task: asyncio.Task[None] | None = field(default=None, repr=False)


def _json(body: Any, status: int = 200) -> Response:
    return Response(
        orjson.dumps(body, option=orjson.OPT_SERIALIZE_NUMPY), status_code=status, media_type="application/json"
    )


class HttpMetricsMiddleware:
    """Pure ASGI middleware (no BaseHTTPMiddleware task per request): duration and count by method, route, status."""

    def __init__(self, app: ASGIApp, metrics: ApiMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if path in (PATHS["health"], PATHS["ready"], PATHS["metrics"]):
            await self.app(scope, receive, send)
            return
        handler = path if path in _MEASURED else "other"
        status = 500
        start = time.perf_counter()

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            labels = (scope["method"], handler, str(status))
            self.metrics.request_duration.labels(*labels).observe(time.perf_counter() - start)
            self.metrics.requests.labels(*labels).inc()


async def load_with_retries(state: AppState, loader: Loader) -> None:
    """Loads the model until it succeeds, doubling the delay up to the cap; each failure is counted."""
    settings = state.settings
    name = settings.model_name
    state.metrics.loaded.labels(name, "").set(0)
    delay = settings.load_retry_initial_seconds
    while True:
        state.attempts += 1
        try:
            model = await asyncio.to_thread(loader, settings)
        except Exception as error:  # any failure: registry down, alias missing, bad artifact, unsupported signature
            state.last_error = f"{type(error).__name__}: {error}"
            state.metrics.load_failures.labels(name).inc()
            log.warning(
                "loading %s failed (attempt %d), retrying in %.0fs: %s",
                settings.model_uri,
                state.attempts,
                delay,
                state.last_error,
            )
            await asyncio.sleep(delay)
            delay = min(delay * 2, settings.load_retry_max_seconds)
            continue
        state.model = model
        state.last_error = None
        state.metrics.loaded.remove(name, "")
        state.metrics.loaded.labels(name, model.version).set(1)
        log.info("loaded %s (version %s) after %d attempt(s)", settings.model_uri, model.version or "-", state.attempts)
        return


def _validation_detail(error: ValidationError) -> list[dict[str, Any]]:
    return [
        {"loc": ["body", *err["loc"]], "msg": err["msg"], "type": err["type"]}
        for err in error.errors(include_url=False, include_context=False, include_input=False)
    ]


def create_app(
    settings: Settings,
    loader: Loader = lambda s: load_served_model(s.tracking_uri, s.model_uri, s.model_name),
    metrics: ApiMetrics | None = None,
) -> FastAPI:
    state = AppState(settings=settings, metrics=metrics or ApiMetrics())
    # Every model series exists at 0 from the start: `increase()` and `rate()` in the alerts need a sample
    # before the first failure, or the first failure of a pod is never seen.
    for counter in (
        state.metrics.predictions,
        state.metrics.prediction_errors,
        state.metrics.invalid_requests,
        state.metrics.load_failures,
    ):
        counter.labels(settings.model_name)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        state.load_task = asyncio.create_task(load_with_retries(state, loader))
        try:
            yield
        finally:
            state.load_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await state.load_task

    app = FastAPI(title="model-api", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.api = state
    app.add_middleware(HttpMetricsMiddleware, metrics=state.metrics)

    @app.get(PATHS["health"])
    async def healthz() -> Response:
        # Alive as long as the event loop answers; a model that is still loading is not a reason to restart.
        return _json({"status": "ok"})

    @app.get(PATHS["ready"])
    async def readyz() -> Response:
        if state.model is None:
            return _json(
                {
                    "status": "loading",
                    "model_uri": settings.model_uri,
                    "attempts": state.attempts,
                    "last_error": state.last_error,
                },
                503,
            )
        return _json({"status": "ready", "model": state.model.name, "version": state.model.version})

    @app.get(PATHS["metrics"])
    async def metrics_endpoint() -> Response:
        return Response(generate_latest(state.metrics.registry), media_type=CONTENT_TYPE_LATEST)

    @app.post(PATHS["predict"])
    async def predict(request: Request) -> Response:
        model = state.model
        if model is None:
            return _json({"detail": "the model is not loaded yet; retry when /readyz answers 200"}, 503)
        body = await request.body()
        try:
            parsed = model.request.model_validate_json(body)
        except ValidationError as error:
            state.metrics.invalid_requests.labels(model.name).inc()
            detail = _validation_detail(error)
            # `instances.0.petal_width: Input should be a valid number`; the body itself when it is not JSON.
            message = "; ".join(f"{'.'.join(str(p) for p in d['loc'][1:]) or 'body'}: {d['msg']}" for d in detail[:10])
            return _json({"detail": detail, "message": message}, 422)
        rows = [row.model_dump() for row in parsed.instances]  # type: ignore[attr-defined]
        try:
            # Inline on the event loop: a tabular prediction is short and CPU-bound, and under the GIL a thread
            # pool adds a hop per request without adding parallelism on the pod's one CPU (the benchmark
            # compares this with `mlflow models serve`, which runs every request in a thread).
            predictions = model.predict(rows)
        except Exception as error:
            state.metrics.prediction_errors.labels(model.name).inc()
            log.exception("prediction failed")
            return _json({"detail": f"prediction failed: {type(error).__name__}: {error}"}, 500)
        state.metrics.predictions.labels(model.name).inc(len(rows))
        return _json({"predictions": predictions, "model": model.name, "version": model.version})

    return app
