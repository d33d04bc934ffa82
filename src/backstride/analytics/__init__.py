"""Analytics: training load, trends, running dynamics and shoes (pure, vectorised)."""
