"""Data quality: the rule catalogue validated with Great Expectations, results and Data Docs."""
