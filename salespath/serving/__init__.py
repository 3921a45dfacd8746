"""Running Salespath for real: gunicorn, static files, health, and logs."""
