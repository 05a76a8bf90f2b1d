"""Guided troubleshooting: walking trees, triage, escalation, stored diagnoses."""
