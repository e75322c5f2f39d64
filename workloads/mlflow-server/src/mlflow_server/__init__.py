"""The MLflow server image's own code: a local tracking server for tests, the demo and the serving benchmark."""
