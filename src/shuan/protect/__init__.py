"""Protection of data in use and in transit (issue 5): masking operators, scenario profiles, static masking
jobs, leak-tracing fingerprints, and the re-identification check before release."""
