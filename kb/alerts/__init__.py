"""Alerts in: webhooks from Alertmanager and Grafana open diagnoses on the right guide."""
