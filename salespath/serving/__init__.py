"""Running Salespath for real: gunicorn, static files, health, and logs (issue 18 §1)."""
