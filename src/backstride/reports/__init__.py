"""Reports: the runner's training-load report as HTML and PDF, with charts."""
