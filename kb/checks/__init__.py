"""Live checks: declared probes, Gatus-style conditions, safe HTTP runs."""
