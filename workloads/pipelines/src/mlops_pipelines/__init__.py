"""Task code of the platform's two DAGs; the DAG files in ``dags/`` only wire these functions into Airflow."""
