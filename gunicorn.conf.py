"""Production settings for `gunicorn wsgi:app` (read automatically from the repo root).

They live in kb/serving.py, which `kb serve` uses too.
"""

from kb.serving import gunicorn_settings

globals().update(gunicorn_settings())
