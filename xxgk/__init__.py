"""xxgk: government information disclosure annual reports, crawled, parsed, checked and aggregated."""
