"""Schema checks on the raw batches before anything downstream may use them.

Two callers: the data-validation CronJob (``data-validation`` console script, :func:`data_validation.cli.main`)
and the data DAG's ``validate`` task (:func:`data_validation.validate.validate_partition`).
"""
