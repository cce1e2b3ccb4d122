// Analyses: nothing to enhance beyond the shared forms yet.
