"""Entry point of the image: validate the environment, then serve with uvicorn until SIGTERM."""

from __future__ import annotations

import logging
import sys

import uvicorn

from model_api.app import create_app
from model_api.config import ConfigError, Settings


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        settings = Settings.from_env()
    except ConfigError as error:
        print(f"model-api: {error}", file=sys.stderr)
        return 2
    # uvicorn 0.54.0 (uvicorn/server.py `shutdown`): on SIGTERM it closes the listening socket, lets open
    # connections finish their in-flight request, waits up to `timeout_graceful_shutdown`, then runs the
    # lifespan shutdown. One process per pod: replicas (HPA) scale it, and Prometheus sees one registry.
    config = uvicorn.Config(
        create_app(settings),
        host="0.0.0.0",  # inside the pod; the NetworkPolicy decides who reaches it
        port=settings.port,
        loop="uvloop",
        http="httptools",
        lifespan="on",
        access_log=False,
        # Our logging.basicConfig above for every logger (uvicorn's default config would leave model_api's out).
        log_config=None,
        server_header=False,
        timeout_graceful_shutdown=settings.graceful_shutdown_seconds,
    )
    uvicorn.Server(config).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
