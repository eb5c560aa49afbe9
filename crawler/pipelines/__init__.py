"""Item pipelines: each page with its findings and each body's outcome written to the dataset,
whole items per transaction."""
