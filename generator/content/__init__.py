"""Content: load the YAML files into typed models and check them across files (SPEC §3)."""
