"""The longitudinal dataset: schema, sessions, migrations, queries and exports."""
