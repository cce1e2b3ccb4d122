"""Persistence: engine, schema, migrations, the change recorder and the audit chain."""
